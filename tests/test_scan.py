"""Gates tier: checkov, a scanner independent of the template's own cdk-nag checks, over the
synthesized templates of the default project and a project with every kind (test_presets.py scans
each preset). Every finding is fixed, or skipped with its reason in the resource's metadata
(lib/checks.ts skipCheckov), so the reason travels with the resource and shows in checkov's report."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT, generate
from .test_infra import OFFLINE, npm_ci

pytestmark = pytest.mark.gates


def scan(project: Path, tmp_path: Path) -> tuple[int, dict[str, Any]]:
    """`make scan` in the project (synth, then checkov over infrastructure/cdk.out) and checkov's
    JSON report. The first scan of the session installs the pinned checkov (tests/conftest.py gives
    the session its own PYTHON_TOOLS_DIR), as a user's first `make scan` does; the others use it."""
    npm_ci(project)
    report_dir = tmp_path / "checkov"
    command = ["make", "scan", f"CHECKOV_ARGS=--compact -o json --output-file-path {report_dir}"]
    env = {**os.environ, **OFFLINE}
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, env=env)
    assert (report_dir / "results_json.json").is_file(), f"checkov wrote no report:\n{done.stdout}\n{done.stderr}"
    report = json.loads((report_dir / "results_json.json").read_text())
    report = report[0] if isinstance(report, list) else report
    # checkov exits 0 on a template it could not read: make sure it read one.
    assert report["summary"]["parsing_errors"] == 0, report["summary"]
    assert report["summary"]["resource_count"] > 0, report["summary"]
    return done.returncode, report


def unexplained(report: dict[str, Any]) -> list[str]:
    """Failed checks, and skipped ones without a reason, as `CHECK resource: name`."""
    failed = [f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in report["results"]["failed_checks"]]
    bare = [
        f"{c['check_id']} {c['resource']}: skipped without a reason"
        for c in report["results"]["skipped_checks"]
        if len((c.get("check_result") or {}).get("suppress_comment") or "") < 20
    ]
    return failed + bare


def test_make_scan_finds_nothing_unexplained_in_the_default_project(default_project: Path, tmp_path: Path) -> None:
    """The README's `make scan`: checkov, pinned, in the machine's shared PYTHON_TOOLS_DIR; nothing
    new in the project that git would see."""
    returncode, report = scan(default_project, tmp_path)
    assert unexplained(report) == []
    assert returncode == 0
    installed = Path(os.environ["PYTHON_TOOLS_DIR"]) / "checkov-3.3.30" / "installed"
    assert installed.read_text().split() == ["checkov==3.3.30"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=default_project, capture_output=True, text=True)
    assert "checkov" not in status.stdout


def test_checkov_finds_nothing_unexplained_with_every_kind(every_kind_project: Path, tmp_path: Path) -> None:
    returncode, report = scan(every_kind_project, tmp_path)
    assert unexplained(report) == []
    assert returncode == 0


def test_make_scan_fails_on_a_finding_without_a_reason(copie: Any, tmp_path: Path) -> None:
    """A finding the stack neither fixes nor explains fails `make scan`: a queue without encryption."""
    project = generate(copie, **yaml.safe_load((ROOT / "presets/sqs-worker.yml").read_text()))
    stack = project / "infrastructure/lib/service-stack.ts"
    anchor = "    explainCheckovFindings(this);\n"
    assert anchor in stack.read_text()
    stack.write_text(
        stack.read_text().replace(
            anchor, anchor + "    new CfnResource(this, 'Plain', { type: 'AWS::SQS::Queue', properties: {} });\n"
        )
    )
    stack.write_text("import { CfnResource } from 'aws-cdk-lib';\n" + stack.read_text())
    returncode, report = scan(project, tmp_path)
    assert returncode != 0
    assert [f for f in unexplained(report) if f.startswith("CKV_AWS_27 AWS::SQS::Queue.Plain")], unexplained(report)
