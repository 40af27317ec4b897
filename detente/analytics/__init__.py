"""Analytics: pure queries over the store (``Store.query``), never writes.

- ``relations``: a dyad's series by period, the cooperation–conflict index and its
  turning points (``turning``: PELT change points via ``ruptures``); ``plot_relations``.
- ``overview``: top actors, one actor, issues over time, the country network.
- ``exports``: GDELT 2.0 event table, PLOVER/POLECAT-style JSON, Parquet of everything.

Everything counts happenings (merged events, ``store/merge.py``), not mentions.
"""

from __future__ import annotations

from .exports import FORMATS as EXPORT_FORMATS
from .exports import GDELT_COLUMNS, export
from .overview import actor, issues_over_time, network, top_actors
from .plot import plot_relations
from .relations import PERIODS, Period, Relations, TurningPoint, relations

__all__ = ["EXPORT_FORMATS", "GDELT_COLUMNS", "PERIODS", "Period", "Relations", "TurningPoint",
           "actor", "export", "issues_over_time", "network", "plot_relations", "relations",
           "top_actors"]
