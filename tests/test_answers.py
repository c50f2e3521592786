"""Unit tier: the answers file keeps a source path that later updates can resolve."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extensions.answers import resolvable_source

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "source",
    ["gh:org/go-lambda-template", "git@github.com:org/tpl.git", "https://example.com/tpl.git", "/abs/tpl", "absent"],
)
def test_sources_copier_resolves_itself_are_kept(source: str) -> None:
    answers = {"_src_path": source, "project_name": "svc"}
    assert resolvable_source(answers) == answers


def test_a_relative_local_path_becomes_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    answers = {"_src_path": os.path.join("..", "tpl"), "_commit": "0.1.0"}
    assert resolvable_source(answers) == {"_src_path": str(tmp_path / "tpl"), "_commit": "0.1.0"}
    assert answers["_src_path"] == os.path.join("..", "tpl"), "the input is not changed"
