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


# Event data an attacker can choose (branch names, commit messages, titles...): never straight into a
# shell script, where ${{ }} is pasted in before the shell parses it.
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def make_targets(run: str) -> list[str]:
    """The make targets a step's script runs (`make [flags] target ...`)."""
    return [word for line in run.splitlines() for word in re.findall(r"\bmake\s+(?:-\S+\s+)*([a-z][a-z-]*)", line)]


def test_deploy_runs_unattended_after_ci_passes_on_main(copie: Any) -> None:
    """After a successful `ci` run for a push to main (or by hand on main), exactly the commit CI
    tested: its cdk diff into the job summary, then a deploy that does not ask (the production
    environment's reviewers approve instead). `make deploy`, which asks, is never run here."""
    project = render(copie)
    text = (project / ".github/workflows/deploy.yml").read_text()
    deploy = yaml.safe_load(text)
    assert deploy[True] == {  # YAML 1.1 reads the key `on` as True
        "workflow_run": {"workflows": ["ci"], "types": ["completed"], "branches": ["main"]},
        "workflow_dispatch": None,
    }
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    assert ci["name"] in deploy[True]["workflow_run"]["workflows"]
    job = deploy["jobs"]["deploy"]
    condition = " ".join(job["if"].split())
    assert "github.event.workflow_run.conclusion == 'success'" in condition
    assert "github.event.workflow_run.event == 'push'" in condition
    assert "github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'" in condition
    assert job["env"]["DEPLOY_SHA"] == "${{ github.event.workflow_run.head_sha || github.sha }}"
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {"ref": "${{ env.DEPLOY_SHA }}", "persist-credentials": False}
    assert "AWS_DEPLOY_ROLE_ARN" in text and "required reviewers" in text.split("name: deploy")[0]

    runs = [step for step in job["steps"] if "run" in step]
    targets = [target for step in runs for target in make_targets(step["run"])]
    assert targets == ["infra-install", "diff", "deploy-unattended"]
    diff = next(step for step in runs if "diff" in make_targets(step["run"]))
    assert re.search(r'>> "\$GITHUB_STEP_SUMMARY"', diff["run"])
    assert "$DEPLOY_SHA" in diff["run"]
    for step in runs:
        assert not EXPRESSION.search(step["run"]), f"an expression inside run: {step['run']!r}"
    # The Makefile's targets decide about approval (see the next test); the header says who approves.
    assert not any("--require-approval" in step["run"] for step in runs)
    assert "--require-approval never" in text.split("name: deploy")[0]


def test_require_approval_never_only_where_the_workflow_deploys(copie: Any) -> None:
    """In the Makefile, only deploy-unattended (the workflow's target) skips cdk's approval prompt;
    the deploy people run keeps asking about broadening changes."""
    project = render(copie)
    makefile = (project / "Makefile").read_text()
    recipes = dict(re.findall(r"^([a-z][a-z-]*):.*\n\t(.*)$", makefile, re.M))
    never = sorted(target for target, recipe in recipes.items() if "--require-approval never" in recipe)
    assert never == ["deploy-unattended"]
    assert "--require-approval broadening" in recipes["deploy"]
    assert makefile.count("--require-approval never") == 1


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
