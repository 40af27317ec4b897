"""Event codes as the scorer compares them: CAMEO codes, PLOVER types, the 5-way class.

A CAMEO code (``"064"``) normalises to its full code, its two-digit root (``"06"``)
and its PLOVER type (from ``cameo.yaml``). A PLOVER name normalises to one of the
15 types below, after folding the older PLOVER names (0.5b1, the 2021 table) into
them: CONCEDE and RETREAT are one class, YIELD; DEMAND is REQUEST; DISAPPROVE and
INVESTIGATE are ACCUSE; FIGHT is ASSAULT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping, Optional

from ..coding.lexicon import CameoCode
from ..coding.plover import PLOVER_PENTA, PLOVER_TYPES, code_penta, plover_type  # noqa: F401 - re-exported

Scheme = Literal["cameo", "plover"]

# 5-way ("penta") classes: 0 statement, 1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict.
PENTA_NAMES: tuple[str, ...] = ("statement", "verbal_coop", "material_coop", "verbal_conflict",
                                "material_conflict")
# What a CAMEO 01 code (no PLOVER equivalent) is called where PLOVER labels are compared.
STATEMENT = "STATEMENT"


@dataclass(frozen=True)
class Code:
    """One event code, normalised. For a PLOVER code ``full == root == plover``."""

    raw: str
    scheme: Scheme
    full: str  # CAMEO code ("0231") or PLOVER type ("REQUEST")
    root: str  # CAMEO root ("02") or PLOVER type
    plover: Optional[str]  # PLOVER type (YIELD merged); None for CAMEO 01 statements

    @property
    def plover_label(self) -> str:
        return self.plover or STATEMENT


class CodeBook:
    """Normalises codes against the CAMEO table the coder uses (``Lexicon.codes``)."""

    def __init__(self, cameo: Mapping[str, CameoCode]) -> None:
        self._cameo = dict(cameo)

    @classmethod
    def default(cls) -> "CodeBook":
        from ..coding.lexicon import DATA_DIR, load_codes

        return cls(load_codes(DATA_DIR / "cameo.yaml"))

    def normalise(self, raw: object) -> Code:
        """A CAMEO digit string or a PLOVER name -> Code; ValueError says what is wrong."""
        if not isinstance(raw, str) or not raw.strip():
            kind = "a number (quote CAMEO codes: \"042\")" if isinstance(raw, (int, float)) else repr(raw)
            raise ValueError(f"event code must be a CAMEO code string or a PLOVER type, not {kind}")
        text = raw.strip()
        if text.isdigit():
            known = self._cameo.get(text)
            if known is None:
                raise ValueError(f"{text!r} is not a CAMEO 1.1b3 event code")
            return Code(text, "cameo", text, known.root, plover_type(known.plover))
        plover = plover_type(text)
        if plover is None:
            raise ValueError(f"{text!r} is neither a CAMEO code (digits) nor a PLOVER type "
                             f"({', '.join(PLOVER_TYPES)})")
        return Code(text, "plover", plover, plover, plover)

    def penta(self, code: Code) -> int:
        """The 5-way class of a code: from the CAMEO root (plover.ROOT_PENTA: statements
        and appeals 0, reducing relations 3), or from the PLOVER type."""
        if code.scheme == "cameo":
            return code_penta(code.full)
        return PLOVER_PENTA[code.full]


def codes_agree(gold: Code, predicted: Code, level: Literal["root", "full"]) -> bool:
    """Does a predicted (CAMEO) code match a gold code at this level?

    CAMEO gold: roots (``root``) or whole codes (``full``) are equal. PLOVER gold: the
    predicted code's PLOVER type is the gold type, at both levels.
    """
    if gold.scheme == "plover" or predicted.scheme == "plover":
        return gold.plover is not None and gold.plover == predicted.plover
    return gold.root == predicted.root if level == "root" else gold.full == predicted.full


def label(code: Code, scheme: Scheme) -> str:
    """The confusion-matrix label of a code in a gold set's scheme: CAMEO root or PLOVER type."""
    return code.plover_label if scheme == "plover" else code.root
