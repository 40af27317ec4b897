"""The PLOVER vocabulary detente codes and scores with: 15 event types, cooperative to
conflictual, each with its 5-way class (0 statement, 1 verbal cooperation, 2 material
cooperation, 3 verbal conflict, 4 material conflict), and the older names folded into
them (CONCEDE and RETREAT are one class, YIELD; DEMAND is REQUEST; DISAPPROVE and
INVESTIGATE are ACCUSE; FIGHT is ASSAULT)."""

from __future__ import annotations

from typing import Optional

PLOVER_PENTA: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1,
    "COOPERATE": 2, "AID": 2, "YIELD": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}
PLOVER_TYPES: tuple[str, ...] = tuple(PLOVER_PENTA)

# The 5-way class of a CAMEO code, by root, as event-data sets built on CAMEO count it
# (neutral, then the quad classes): statements (01) and appeals (02) are neutral, 0;
# reducing relations (16: cutting ties, recalling envoys, halting talks, expelling
# diplomats, sanctions) is diplomatic, not material, conflict, 3. PLOVER_PENTA is the
# coarser view by type: REQUEST covers both appeals (02, 0) and demands (10, 3).
ROOT_PENTA: dict[str, int] = {
    "01": 0, "02": 0, "03": 1, "04": 1, "05": 1, "06": 2, "07": 2, "08": 2,
    "09": 3, "10": 3, "11": 3, "12": 3, "13": 3, "16": 3,
    "14": 4, "15": 4, "17": 4, "18": 4, "19": 4, "20": 4,
}


def code_penta(code: str) -> Optional[int]:
    """The 5-way class of a CAMEO code ("0251" -> 0, "163" -> 3), None if not a code."""
    return ROOT_PENTA.get(str(code)[:2])


PLOVER_ALIASES: dict[str, str] = {
    "CONCEDE": "YIELD", "RETREAT": "YIELD",
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}


def plover_class(name: object) -> Optional[str]:
    """A label, upper-cased with older PLOVER names folded (``"concede"`` -> ``"YIELD"``);
    labels that are not PLOVER types (``"STATEMENT"``) pass through; None for no name."""
    if not isinstance(name, str) or not name.strip():
        return None
    key = name.strip().upper()
    return PLOVER_ALIASES.get(key, key)


def plover_type(name: object) -> Optional[str]:
    """A PLOVER name -> one of PLOVER_TYPES (aliases folded), or None if it is not one."""
    key = plover_class(name)
    return key if key in PLOVER_PENTA else None
