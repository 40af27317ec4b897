"""The DetenteError hierarchy. The library raises; only the CLI exits."""

from __future__ import annotations


class DetenteError(Exception):
    """Base class. ``code`` is stable and machine-readable; the message says the fix."""

    code = "detente-error"
    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class InputError(DetenteError):
    """An input record cannot be read (binary, undecodable, empty, malformed)."""

    code = "bad-input"
    exit_code = 2


class KnowledgeError(DetenteError):
    """A shipped knowledge file fails its schema check."""

    code = "bad-knowledge"
    exit_code = 6


class ModelError(DetenteError):
    """The spaCy model is missing or unusable."""

    code = "model-missing"
    exit_code = 4


class StoreError(DetenteError):
    """The database cannot be opened, migrated or written."""

    code = "store-error"
    exit_code = 5


class QueryError(DetenteError):
    """A query parameter is invalid (bad date, unknown format, ...)."""

    code = "bad-query"
    exit_code = 2
