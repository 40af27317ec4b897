"""The one conftest: the pipeline (loaded once), the console script, small article corpora.

Cheap fixtures are function-scoped; the spaCy pipeline is built once per session and
tests that use it (directly or through the console script) are marked ``slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# --- small news-like articles, written for these tests ------------------------------------

# Plain-text articles: headline, dateline, body (the shape of the seeds, much shorter).
TEXT_ARTICLES: dict[str, str] = {
    "geneva-talks.txt": (
        "Lavrov and Blinken meet in Geneva\n"
        "January 2, 2022\n\n"
        "Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in "
        "Geneva on Friday. The two ministers discussed Ukraine and arms control.\n"
    ),
    "phone-call.txt": (
        "Putin and Biden talk\n"
        "December 31, 2021\n\n"
        "Russian President Vladimir Putin spoke by phone with US President Joe Biden on "
        "Thursday. The Kremlin called the conversation frank.\n"
    ),
    "sanctions.txt": (
        "Washington acts\n"
        "March 3, 2022\n\n"
        "The United States imposed sanctions on Russia on Wednesday. "
        "Moscow condemned the decision.\n"
    ),
}

# JSONL and CSV records (id, date and text as fields).
JSONL_RECORDS: list[dict[str, str]] = [
    {"id": "summit-2021", "title": "Summit in Geneva", "date": "2021-06-16",
     "text": "President Joe Biden met President Vladimir Putin in Geneva on Wednesday."},
    {"id": "threat-2021", "title": "Biden warns Moscow", "date": "2021-12-08",
     "text": "Biden said that if Russia invades Ukraine, we will impose severe sanctions."},
]
CSV_TEXT = (
    "id,title,date,text\n"
    'uk-russia,London summons envoy,2018-03-14,"Britain expelled Russian diplomats on '
    'Wednesday. Prime Minister Theresa May accused Russia of the attack."\n'
)

CORPUS_IDS = frozenset({"geneva-talks", "phone-call", "sanctions", "summit-2021", "threat-2021",
                        "uk-russia"})


def write_corpus(folder: Path) -> Path:
    """Write every small article above into ``folder`` (three .txt, one .jsonl, one .csv)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TEXT_ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "wire.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in JSONL_RECORDS), encoding="utf-8")
    (folder / "desk.csv").write_text(CSV_TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh folder of small articles in tmp_path (safe to modify)."""
    return write_corpus(tmp_path / "articles")


@pytest.fixture(scope="session")
def corpus_ids() -> frozenset[str]:
    """The article ids of the small corpus (file stems and record ids)."""
    return CORPUS_IDS


@pytest.fixture(scope="session")
def shared_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same small articles, written once per session: read, never modify."""
    return write_corpus(tmp_path_factory.mktemp("shared-corpus"))


# --- the pipeline, built once ---------------------------------------------------------------


@pytest.fixture(scope="session")
def pipeline():
    """``Pipeline.build()`` once per session (loads spaCy, ~2 s). Mark users ``slow``."""
    from detente.pipeline import Pipeline

    return Pipeline.build()


# --- the real console script ----------------------------------------------------------------


def _console_script() -> str:
    beside = Path(sys.executable).with_name("detente")
    if beside.is_file():
        return str(beside)
    found = shutil.which("detente")
    if found is None:
        pytest.skip("the `detente` console script is not installed (pip install -e .)")
    return found


@pytest.fixture(scope="session")
def detente() -> Callable[..., subprocess.CompletedProcess]:
    """Run the installed ``detente`` console script: ``detente("extract", "a.txt", cwd=...)``.

    The environment is the test's own minus ``DETENTE_*`` settings, with a wide terminal so
    tables and messages are not cut; output is text; nothing is checked here.
    """
    script = _console_script()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DETENTE_")}
    env.update(COLUMNS="200", LINES="50", PYTHONIOENCODING="utf-8", NO_COLOR="1")

    def run(*args: str, cwd: Path, input: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([script, *map(str, args)], cwd=cwd, input=input, env=env,
                              capture_output=True, text=True, timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)

    run.script = script  # type: ignore[attr-defined]
    run.env = env  # type: ignore[attr-defined]
    return run


# --- ../shared (absent on a user's fresh clone) ---------------------------------------------


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = Path(__file__).resolve().parents[2] / "shared"
    if not path.is_dir():
        pytest.skip(f"../shared is absent: {path} holds the seed articles and dev data "
                    "(it lives beside the repository in the team's workspace)")
    return path


@pytest.fixture(scope="session")
def seeds(shared_dir: Path) -> list[Path]:
    """The seed articles (``../shared/seeds/*.txt``), sorted."""
    files = sorted((shared_dir / "seeds").glob("*.txt"))
    if not files:
        pytest.skip(f"no seed articles in {shared_dir / 'seeds'}")
    return files
