"""The README's worked example is run, so the docs cannot rot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

pytestmark = pytest.mark.slow


def _example_input() -> str:
    text = README.read_text(encoding="utf-8")
    block = text.split("$ cat geneva.txt\n", 1)[1].split("\n$ detente", 1)[0]
    return block.rstrip("\n") + "\n"


def _documented_json() -> dict:
    text = README.read_text(encoding="utf-8")
    return json.loads(re.search(r"```json\n(.*?)\n```", text, re.S).group(1))


def test_readme_example_prints_the_documented_last_event(detente, tmp_path):
    (tmp_path / "geneva.txt").write_text(_example_input(), encoding="utf-8")
    result = detente("extract", "geneva.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[-1] == _documented_json()


def test_readme_example_table_lists_the_documented_codes(detente, tmp_path):
    (tmp_path / "geneva.txt").write_text(_example_input(), encoding="utf-8")
    result = detente("extract", "geneva.txt", "--format", "jsonl", cwd=tmp_path)
    codes = [json.loads(line)["cameo"] for line in result.stdout.splitlines()]
    readme = README.read_text(encoding="utf-8")
    table = readme.split("$ detente extract geneva.txt --format table\n", 1)[1].split("```", 1)[0]
    documented = re.findall(r"\s(\d{3,4})\s+[A-Z]+\s+(?:asserted|planned|hypothetical|negated)", table)
    assert codes == documented
