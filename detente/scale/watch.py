"""``detente watch FOLDER``: ingest files as they appear in a folder, new or changed.

The folder is polled (no OS-specific file events: it works the same on network file
systems and in containers). A file is ingested once its size and modification time are
the same on two polls in a row -- so a file still being copied is not read half-written
-- and again whenever they change. Ingesting goes through ``service.ingest``, so the
idempotence is the store's: an unchanged record is skipped by content hash, a changed
one replaces its rows, nothing is stored twice. Deleted files are forgotten (their
articles stay stored). Hidden files and unsupported extensions are ignored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from ..errors import DetenteError
from ..ingest import SUPPORTED_EXTENSIONS
from ..service import IngestReport, ingest
from ..store import Store

Signature = tuple[int, int]  # (mtime in ns, size)


@dataclass
class WatchRound:
    """One ingest of the files found new or changed on a poll."""

    files: list[str]
    report: IngestReport


@dataclass
class WatchSummary:
    rounds: list[WatchRound] = field(default_factory=list)
    polls: int = 0

    @property
    def articles_written(self) -> int:
        return sum(r.report.articles_written for r in self.rounds)


def scan(folder: Path) -> dict[str, Signature]:
    """Supported, non-hidden files under ``folder`` with their signatures."""
    found: dict[str, Signature] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel) or path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            continue
        try:
            st = path.stat()
        except OSError:
            continue  # removed while scanning
        if path.is_file():
            found[str(path)] = (st.st_mtime_ns, st.st_size)
    return found


def check_folder(folder: str | Path) -> Path:
    path = Path(folder)
    if not path.is_dir():
        raise DetenteError(f"cannot watch {path}: not a folder; create it or give the folder "
                           "where new articles arrive")
    return path


class FolderWatcher:
    """Polls one folder; ``poll()`` returns the files to ingest now."""

    def __init__(self, folder: str | Path, settle: bool = True) -> None:
        self.folder = check_folder(folder)
        self.settle = settle
        self.ingested: dict[str, Signature] = {}
        self._last: dict[str, Signature] = {}

    def poll(self) -> list[str]:
        current = scan(self.folder)
        ready = [p for p, sig in current.items() if self.ingested.get(p) != sig
                 and (not self.settle or self._last.get(p) == sig)]
        for gone in set(self.ingested) - set(current):
            del self.ingested[gone]  # a file written again later is new again
        self._last = current
        return ready

    def done(self, files: list[str]) -> None:
        for f in files:
            if f in self._last:
                self.ingested[f] = self._last[f]


def watch_folder(pipeline, store: Store, folder: str | Path, *, interval: float = 1.0,
                 once: bool = False, timeout: Optional[float] = None,
                 should_stop: Optional[Callable[[], bool]] = None,
                 on_round: Optional[Callable[[WatchRound], None]] = None,
                 batch_size: Optional[int] = None,
                 sleep: Callable[[float], None] = time.sleep) -> WatchSummary:
    """Ingest what is in ``folder`` and then what appears or changes, every ``interval``
    seconds, until ``should_stop()`` is true, ``timeout`` seconds have passed or (with
    ``once``) after the first poll. Ctrl-C (KeyboardInterrupt) propagates to the caller;
    every batch committed before it is kept and a re-run skips it."""
    watcher = FolderWatcher(folder, settle=not once)
    summary = WatchSummary()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        files = watcher.poll()
        summary.polls += 1
        if files:
            report = ingest(pipeline, store, files, batch_size=batch_size)
            watcher.done(files)
            done = WatchRound(files, report)
            summary.rounds.append(done)
            if on_round:
                on_round(done)
        stop = once or (should_stop is not None and should_stop())
        if stop or (deadline is not None and time.monotonic() >= deadline):
            return summary
        sleep(interval)
