"""Gates tier: checkov, a scanner independent of the template's own cdk-nag checks, over the
synthesized templates of the default project, every preset and a project with every kind. Every
finding is fixed, or skipped with its reason in the resource's metadata (lib/checks.ts
skipCheckov), so the reason travels with the resource and shows in checkov's report."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT, generate
from .test_infra import OFFLINE, npm_ci, run

pytestmark = pytest.mark.gates

CHECKOV = ROOT / ".tools" / "checkov" / "bin" / "checkov"  # `make tools` installs it
PRESETS = sorted((ROOT / "presets").glob("*.yml"))


def checkov(project: Path) -> dict[str, Any]:
    """checkov's JSON report over the project's synthesized templates (`make synth` first)."""
    assert CHECKOV.is_file(), "checkov is not installed: run make tools"
    npm_ci(project)
    run(project, "make", "synth")
    done = subprocess.run(
        [str(CHECKOV), "-d", "infrastructure/cdk.out", "--framework", "cloudformation", "-o", "json", "--compact",
         "--skip-download"],
        cwd=project, capture_output=True, text=True, check=False, env={**os.environ, **OFFLINE},
    )  # fmt: skip
    report = json.loads(done.stdout)
    report = report[0] if isinstance(report, list) else report
    # checkov exits 0 on a template it could not read: make sure it read one.
    assert report["summary"]["parsing_errors"] == 0, report["summary"]
    assert report["summary"]["resource_count"] > 0, report["summary"]
    return report


def unexplained(report: dict[str, Any]) -> list[str]:
    """Failed checks, and skipped ones without a reason, as `CHECK resource: name`."""
    failed = [f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in report["results"]["failed_checks"]]
    bare = [
        f"{c['check_id']} {c['resource']}: skipped without a reason"
        for c in report["results"]["skipped_checks"]
        if len((c.get("check_result") or {}).get("suppress_comment") or "") < 20
    ]
    return failed + bare


def test_checkov_finds_nothing_unexplained_in_the_default_project(default_project: Path) -> None:
    assert unexplained(checkov(default_project)) == []


def test_checkov_finds_nothing_unexplained_with_every_kind(every_kind_project: Path) -> None:
    assert unexplained(checkov(every_kind_project)) == []


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_checkov_finds_nothing_unexplained_in_each_preset(copie: Any, preset: Path) -> None:
    project = generate(copie, **yaml.safe_load(preset.read_text()))
    report = checkov(project)
    assert unexplained(report) == []
    assert report["summary"]["skipped"] > 0, "no skip read: the metadata would not travel"
