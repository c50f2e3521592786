"""The go1.x migration check (template/tools/migrationcheck): run from a clone of this template on
any repository, exactly as README.md shows it, and as `make check-migration` in generated projects.

Every problem planted in tests/fixtures/migration/planted/ carries a `planted: <rule>...` comment
on its line (JSON, which has no comments, is listed here), so the expected findings sit next to
the settings that cause them; tests/fixtures/migration/clean/ holds the migrated forms and the
look-alikes that must not be reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from plumbum import local

from .conftest import ROOT

pytestmark = pytest.mark.go

FIXTURES = ROOT / "tests" / "fixtures" / "migration"
PLANTED_MARK = re.compile(r"planted: ([\w\- ]+)")
PLANTED_JSON = {
    ("cloudformation/stack.json", 7, "go1x-runtime"),
    ("cloudformation/stack.json", 8, "handler-not-bootstrap"),
    ("cloudformation/stack.json", 10, "x86_64"),
}
RULES = {
    "go1x-runtime",
    "handler-not-bootstrap",
    "build-not-bootstrap",
    "build-without-norpc",
    "x86_64",
    "aws-lambda-go-too-old",
}


def check_migration(repo: Path) -> tuple[int, list[dict[str, object]]]:
    """The README's command, from the template's root, with JSON output: its exit code (make's: 0, or
    2 when the check exited 1 on a finding) and the findings, with paths relative to repo."""
    with local.cwd(ROOT), local.env(MAKEFLAGS="--no-print-directory"):
        code, out, err = local["make"]["check-migration", f"REPO={repo}", "ARGS=-json"].run(retcode=None)
    assert out.lstrip().startswith("["), f"make check-migration exited {code} without findings\n{err}"
    findings = json.loads(out)
    for finding in findings:
        assert str(finding["file"]).startswith(f"{repo}/"), finding
        finding["file"] = str(finding["file"])[len(str(repo)) + 1 :]
    return code, findings


def planted_findings(root: Path) -> set[tuple[str, int, str]]:
    expected = set(PLANTED_JSON)
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix == ".json":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if match := PLANTED_MARK.search(line):
                for rule in match.group(1).split():
                    expected.add((path.relative_to(root).as_posix(), number, rule))
    return expected


def test_every_planted_go1x_setting_is_found_with_its_fix() -> None:
    planted = FIXTURES / "planted"
    code, findings = check_migration(planted)
    assert code != 0
    expected = planted_findings(planted)
    assert {rule for _, _, rule in expected} == RULES, "a rule has no planted fixture"
    assert {(f["file"], f["line"], f["rule"]) for f in findings} == expected
    assert len(findings) == len(expected), "a finding is reported twice"
    for finding in findings:
        assert finding["message"] and finding["fix"], finding
    kinds = {Path(str(f["file"])).parts[0] for f in findings}
    assert kinds >= {"sam", "cloudformation", "serverless", "serverless-ts", "terraform", "cdk-ts", "cdk-py", "cdk-go"}


@pytest.mark.parametrize("tree", ["clean", "clean-cli"])
def test_migrated_files_and_look_alikes_are_not_reported(tree: str) -> None:
    """clean: the migrated forms, settings that only look like go1.x ones, and a Linux build in a
    module of its own without aws-lambda-go (tools/release); clean-cli: a Linux build in a tree
    without Lambda functions (no aws-lambda-go, no go1.x). Neither build is a Lambda build."""
    code, findings = check_migration(FIXTURES / tree)
    assert findings == []
    assert code == 0


def test_generated_project_checks_itself_and_reports_what_a_user_adds(default_project: Path) -> None:
    """`make check-migration` finds nothing in a generated project, and does find a go1.x
    template a user keeps beside it (so that the first result means something)."""
    out = local["make"].with_cwd(default_project)("check-migration")
    assert out.strip().splitlines()[-1] == "migrationcheck: nothing ties these functions to go1.x or x86_64"
    legacy = default_project / "legacy-template.yaml"
    legacy.write_text("Resources:\n  Fn:\n    Properties:\n      Runtime: go1.x\n      Handler: main\n")
    try:
        code, out, _ = local["make"].with_cwd(default_project)["check-migration"].run(retcode=None)
    finally:
        legacy.unlink()
    assert code != 0
    assert [line.split(": ", 1)[0] for line in out.splitlines() if line.startswith("legacy-template.yaml:")] == [
        "legacy-template.yaml:4",
        "legacy-template.yaml:5",
    ]
