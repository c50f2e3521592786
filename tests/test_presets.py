"""The starter catalogue's presets, end to end: each preset in presets/ generates a project that
vets, tests with -race, builds arm64 bootstraps, synthesizes with cdk-nag and cfn-lint clean,
passes its infrastructure tests (tsc, jest) and checkov with every skip explained, and answers
the first sample event of every function under localrun's own Runtime API against a local AWS
holding the stack's resources (AWS=local).
One test per preset, so that xdist runs the presets side by side and each project is made once."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions.events import CATALOGUE

from .conftest import ROOT, free_port, generate, render
from .elf import read_elf
from .test_infra import cfn_lint_errors, nag_report, run
from .test_runtime import assert_promised_response, clean_env
from .test_scan import scan, unexplained

pytestmark = [pytest.mark.infra, pytest.mark.runtime]

PRESETS = sorted((ROOT / "presets").glob("*.yml"))
# api-crud spells out the defaults: its project is the default project, which the other tiers take
# through every one of these steps (test_the_defaults_preset_is_the_default_project proves it).
DEFAULTS_PRESET = ROOT / "presets" / "api-crud.yml"


def first_sample(project: Path, function: str) -> Path:
    return sorted((project / "events" / function).iterdir())[0]


def invoke_locally(project: Path, function: str, event: Path) -> Any:
    """`make invoke FN=... EVENT=... AWS=local` as a Mac user runs it (localrun's own Runtime API),
    on a port of its own: the parsed response."""
    done = subprocess.run(
        [
            "make", "--no-print-directory", "invoke", f"FN={function}", f"EVENT={event}", "AWS=local",
            f"LOCAL_AWS_PORT={free_port()}", "LOCAL_RUNTIME=builtin",
        ],
        cwd=project, env=clean_env(), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{function} with {event.name}:\n{done.stdout}\n{done.stderr[-6000:]}"
    return json.loads(done.stdout)


def test_the_defaults_preset_is_the_default_project(copie: Any) -> None:
    preset = render(copie, **yaml.safe_load(DEFAULTS_PRESET.read_text()))
    defaults = render(copie)

    def files(root: Path) -> dict[str, bytes]:
        found = (p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in found if p.name != ".copier-answers.yml"}

    assert files(preset) == files(defaults)


# Presets that the other tiers generate as a session project too: their end-to-end run uses that
# project (and runs in its worker), sharing its generation, npm ci and build cache.
SESSION_PROJECTS = {"event-driven": "event_driven_project"}


def preset_params() -> list[Any]:
    return [
        pytest.param(p, id=p.stem, marks=[pytest.mark.xdist_group(SESSION_PROJECTS[p.stem])])
        if p.stem in SESSION_PROJECTS
        else pytest.param(p, id=p.stem)
        for p in PRESETS
        if p != DEFAULTS_PRESET
    ]


@pytest.mark.parametrize("preset", preset_params())
def test_preset_works_end_to_end(copie: Any, preset: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    answers = yaml.safe_load(preset.read_text())
    if preset.stem in SESSION_PROJECTS:
        project = request.getfixturevalue(SESSION_PROJECTS[preset.stem])
    else:
        project = generate(copie, **answers)
    functions = [fn["name"] for fn in answers["functions"]]

    for target in ("vet", "test", "build"):  # make test is go test -race ./...
        run(project, "make", target)
    for fn in functions:
        assert read_elf(project / "build" / fn / "bootstrap").architecture == answers["architecture"]

    # make scan synthesizes first (cdk-nag fails the synth on an open finding), then runs checkov.
    returncode, report = scan(project, tmp_path)
    assert unexplained(report) == []
    assert returncode == 0
    assert report["summary"]["skipped"] > 0, "no skip read: the metadata would not travel"
    open_findings, _acknowledged = nag_report(project)
    assert open_findings == []
    assert cfn_lint_errors(project) == []
    run(project, "make", "infra-test")  # tsc and jest, as the generated CI runs them

    for fn in answers["functions"]:
        event = first_sample(project, fn["name"])
        response = invoke_locally(project, fn["name"], event)
        assert_promised_response(CATALOGUE[fn["event"]], response, f"{preset.stem}: {fn['name']} with {event.name}")
