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
