"""Organisation defaults (docs/organisation-defaults.md): the examples are answers to real
questions, and the settings file's defaults reach the project. That they are saved in a project's answers and kept by a
`copier update` without the file is tested with the adoption guide (tests/test_adoption.py),
which runs with the example settings."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from .conftest import ROOT, check_answer_keys, render, run

EXAMPLES = ROOT / "examples"
SETTINGS = EXAMPLES / "organisation-settings.yml"


@pytest.mark.unit
@pytest.mark.parametrize("name", ["organisation-settings.yml", "organisation-answers.yml"])
def test_the_examples_name_only_real_questions(name: str) -> None:
    data = yaml.safe_load((EXAMPLES / name).read_text())
    check_answer_keys(data.get("defaults", data))


@pytest.mark.render
def test_a_default_of_the_settings_file_uses_earlier_answers(copie: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's module prefix, github.com/acme/{{ project_name }}, renders per project."""
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(SETTINGS))
    project = render(copie, project_name="orders", iac="none", ci=False)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["module_path"], answers["owner"], answers["aws_region"]) == (
        "github.com/acme/orders",
        "Acme Corp",
        "eu-west-1",
    )
    assert json.loads(run(project, "go", "mod", "edit", "-json"))["Module"]["Path"] == "github.com/acme/orders"
