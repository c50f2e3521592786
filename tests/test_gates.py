"""Gates tier: the checks platform teams already run accept what the template generates
(golangci-lint, actionlint) and the template's own code (ruff, actionlint)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from extensions.services import SERVICES

from .conftest import ROOT, generate, render, require_tool, run
from .kinds import KIND_KEYS, alone

pytestmark = pytest.mark.gates

KITCHEN_SINK = {
    "functions": [
        {"name": "api", "event": "apigw-rest"},
        {"name": "admin-api", "event": "apigw-rest", "memory": 512},
        {"name": "public", "event": "apigw-rest", "timeout": 5},
    ],
}


def workflows(project: Path) -> list[str]:
    return sorted(str(p) for p in (project / ".github/workflows").glob("*.yml"))


def test_template_python_is_ruff_clean() -> None:
    ruff = str(Path(sys.executable).with_name("ruff"))
    run(ROOT, ruff, "check", "extensions", "scripts", "tests", "template/tools")
    run(ROOT, ruff, "format", "--check", "extensions", "scripts", "tests", "template/tools")


def test_template_workflows_pass_actionlint() -> None:
    run(ROOT, require_tool("actionlint"), "-no-color", *workflows(ROOT))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, ["ci.yml", "deploy.yml", "template-update.yml"]),
        ({"iac": "none"}, ["ci.yml", "template-update.yml"]),
        ({"update_workflow": False}, ["ci.yml", "deploy.yml"]),
        ({"ci": False}, []),
    ],
    ids=["default", "no-iac", "no-update-workflow", "no-ci"],
)
def test_generated_workflows_pass_actionlint(copie: Any, answers: dict[str, Any], expected: list[str]) -> None:
    project = render(copie, **answers)
    found = workflows(project) if (project / ".github").exists() else []
    assert [Path(p).name for p in found] == expected
    if found:
        run(project, require_tool("actionlint"), "-no-color", *found)
        assert (project / ".github/dependabot.yml").is_file()


PINNED_ACTION = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}")
# Node versions with support from their maintainers (Node 20 reached end of life on 2026-04-30).
SUPPORTED_NODE = {"22", "24"}


def steps_of(workflow: Path) -> list[dict[str, Any]]:
    return [step for job in yaml.safe_load(workflow.read_text())["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("answers", [{}, {"architecture": "x86_64"}], ids=["arm64", "x86_64"])
def test_workflows_pin_current_actions_by_commit(copie: Any, answers: dict[str, Any]) -> None:
    """Every action is pinned by full commit SHA with its version in a comment (Dependabot bumps
    both), checkouts keep no credentials, and the CDK steps use a supported Node."""
    project = render(copie, **answers)
    files = [Path(p) for p in workflows(project) + workflows(ROOT)]
    for workflow in files:
        lines = workflow.read_text().splitlines()
        for step in steps_of(workflow):
            if "uses" not in step:
                continue
            where = f"{workflow.name}: {step['uses']}"
            assert PINNED_ACTION.fullmatch(step["uses"]), where
            assert all(re.search(r"# v\d+\.\d+\.\d+$", line) for line in lines if step["uses"] in line), where
            if step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, where
            if step["uses"].startswith("actions/setup-node@"):
                assert str(step["with"]["node-version"]) in SUPPORTED_NODE, where
    ci = (project / ".github/workflows/ci.yml").read_text().splitlines()[0]
    assert f"race tests and {answers.get('architecture', 'arm64')} builds" in ci


def test_template_update_workflow_runs_weekly_with_least_privilege(copie: Any) -> None:
    """Weekly and on demand; the workflow may read, only its job may push a branch and open a
    pull request; the pull request carries the update's summary, its title the new version."""
    project = render(copie)
    workflow = yaml.safe_load((project / ".github/workflows/template-update.yml").read_text())
    assert workflow[True] == {"schedule": [{"cron": "0 6 * * 1"}], "workflow_dispatch": None}  # YAML 1.1: on
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["update"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    update = next(step for step in job["steps"] if step.get("id") == "update")
    assert update["shell"] == "bash"
    assert "make update ARGS=--defaults" in update["run"]
    pull_request = job["steps"][-1]
    assert pull_request["uses"].startswith("peter-evans/create-pull-request@")
    assert pull_request["with"]["body-path"] == "${{ runner.temp }}/summary.md"
    assert pull_request["with"]["token"] == "${{ secrets.TEMPLATE_UPDATE_TOKEN || github.token }}"
    assert pull_request["with"]["title"] == "Update from the template to ${{ steps.update.outputs.version }}"


def test_deploy_uses_oidc_and_a_protected_environment(copie: Any) -> None:
    project = render(copie)
    deploy = yaml.safe_load((project / ".github/workflows/deploy.yml").read_text())
    job = deploy["jobs"]["deploy"]
    assert deploy["permissions"] == {"contents": "read"}
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert job["environment"] == "production"
    credentials = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    assert "aws-access-key-id" not in credentials["with"]
    assert credentials["with"]["aws-region"] == "${{ vars.AWS_REGION || 'us-east-1' }}"


@pytest.mark.parametrize(
    "answers",
    [{}, KITCHEN_SINK, {"example_crud": False, "aws_services": []}],
    ids=["default", "kitchen-sink", "no-example"],
)
def test_golangci_lint_finds_nothing(copie: Any, answers: dict[str, Any]) -> None:
    project = generate(copie, **answers)
    run(project, require_tool("golangci-lint"), "run", "./...")


def test_golangci_lint_accepts_every_service_and_its_integration_tests(copie: Any) -> None:
    """Every service package, its unit tests and its integration tests (build tag integration)."""
    functions = [{"name": "worker", "event": "direct"}]
    project = generate(copie, functions=functions, aws_services=list(SERVICES), example_crud=False)
    run(project, require_tool("golangci-lint"), "run", "--build-tags", "integration", "./...")


def test_golangci_lint_accepts_every_kind_together(every_kind_project: Path) -> None:
    run(every_kind_project, require_tool("golangci-lint"), "run", "./...")


@pytest.mark.parametrize("key", KIND_KEYS)
def test_golangci_lint_accepts_each_kind_alone(copie: Any, key: str) -> None:
    """Alone, a kind must not leave shared helpers unused (middleware, batch, test helpers)."""
    run(generate(copie, **alone(key)), require_tool("golangci-lint"), "run", "./...")
