"""detente: news articles about international affairs -> explainable event data."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "Pipeline", "Settings", "load_kb", "read_sources"]


def __getattr__(name: str):  # lazy: importing detente must not load spaCy
    if name == "Pipeline":
        from .pipeline import Pipeline

        return Pipeline
    if name == "Settings":
        from .config import Settings

        return Settings
    if name == "load_kb":
        from .actors.kb import load_kb

        return load_kb
    if name == "read_sources":
        from .ingest import read_sources

        return read_sources
    raise AttributeError(name)
