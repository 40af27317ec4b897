"""Turning points in a dyad's series: thaws and chills.

Method: penalised change-point detection with PELT (Killick, Fearnhead & Eckley 2012,
"Optimal detection of changepoints with a linear computational cost", JASA 107) — the
exact minimiser of Σ segment cost + β·(number of changes), with pruning — written here
in numpy (about 30 lines; the ``ruptures`` package gives the same segmentation but its
import alone takes over a second, longer than the whole query) on the cooperation–conflict index of the periods that have
events, with a least-squares cost and the classic penalty β = 2·σ²·ln n, where σ is
estimated robustly from the median absolute difference between neighbouring periods
(so one noisy month does not make a turning point, a lasting shift does). Segments
must be at least ``MIN_SIZE`` periods long, and a change smaller than ``MIN_SHIFT`` in
the mean index is not reported.

Each turning point names the first period of the new regime, whether it is a ``thaw``
(the mean index rises) or a ``chill`` (it falls), the means before and after, and the
events that drove it: the happenings of that period whose direction matches the change
(cooperative ones for a thaw, conflictual ones for a chill), most reported first.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .relations import Period, TurningPoint

MIN_SIZE = 2
MIN_SHIFT = 0.25
_SIGMA_FLOOR = 0.05


def turning_points(periods: list["Period"], by: str) -> list["TurningPoint"]:
    """Turning points of a ``both`` series (periods in time order)."""
    from .relations import TurningPoint

    rows = [p for p in periods if p.index is not None]
    if len(rows) < 2 * MIN_SIZE:
        return []
    signal = np.array([p.index for p in rows], dtype=float)
    found = []
    bounds = [0, *_breaks(signal), len(signal)]
    for left, cut, right in zip(bounds, bounds[1:], bounds[2:]):
        before, after = float(signal[left:cut].mean()), float(signal[cut:right].mean())
        if abs(after - before) < MIN_SHIFT:
            continue
        kind = "thaw" if after > before else "chill"
        p = rows[cut]
        found.append(TurningPoint(p.period, p.start, kind, before, after, _drivers(p, kind)))
    return found


def _breaks(signal: np.ndarray) -> list[int]:
    """Indices where a new segment starts."""
    diffs = np.abs(np.diff(signal))
    sigma = max(float(np.median(diffs)) / (0.6745 * math.sqrt(2)), _SIGMA_FLOOR)
    return pelt(signal, 2 * sigma ** 2 * math.log(len(signal)), MIN_SIZE)


def pelt(y: np.ndarray, penalty: float, min_size: int = 1) -> list[int]:
    """Change points of ``y`` (starts of segments after the first) minimising the summed
    squared deviation from each segment's mean plus ``penalty`` per change (PELT)."""
    n = len(y)
    s1 = np.concatenate([[0.0], np.cumsum(y)])
    s2 = np.concatenate([[0.0], np.cumsum(np.asarray(y, dtype=float) ** 2)])

    def cost(starts: np.ndarray, end: int) -> np.ndarray:
        length = end - starts
        total = s1[end] - s1[starts]
        return (s2[end] - s2[starts]) - total * total / length

    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    starts = np.array([0])
    for end in range(min_size, n + 1):
        if end - min_size >= min_size:  # a segment may now start there (the first needs min_size)
            starts = np.append(starts, end - min_size)
        totals = best[starts] + cost(starts, end)
        i = int(np.argmin(totals))
        best[end], last[end] = totals[i] + penalty, starts[i]
        starts = starts[totals <= best[end]]  # pruning: these can never be optimal again
    cuts, end = [], n
    while end > 0:
        end = int(last[end])
        if end > 0:
            cuts.append(end)
    return sorted(cuts)


def _drivers(period: "Period", kind: str) -> tuple[str, ...]:
    def matches(e: dict) -> bool:
        return e["goldstein"] > 0 if kind == "thaw" else e["goldstein"] < 0
    return tuple(e["id"] for e in period.top_events if matches(e))
