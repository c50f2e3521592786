"""Update tier: a project generated from an older release takes template improvements through
`copier update` without losing a line of the user's work, and can grow new functions later."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from plumbum import local

from .conftest import ROOT, check_answer_keys, run

pytestmark = pytest.mark.update

USER_EDIT = "\n// Quota is the user's own addition; copier update must keep it.\nconst Quota = 42\n"
TEMPLATE_IMPROVEMENT = "\n## Changelog\n\nThe 0.2.0 template release adds this section.\n"


def git(repo: Path, *args: str) -> str:
    with local.cwd(repo):
        return local["git"](*args)


@pytest.fixture
def template_releases(tmp_path: Path) -> Path:
    """A copy of this template with two tagged releases: 0.1.0 (as checked out) and 0.2.0
    (0.1.0 plus a README improvement), so updates are tested on today's code, not a stale tag."""
    repo = tmp_path / "template"
    shutil.copytree(
        ROOT,
        repo,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".tools", "build", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"
        ),
    )
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "release 0.1.0")
    git(repo, "tag", "0.1.0")
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + TEMPLATE_IMPROVEMENT)
    git(repo, "commit", "--quiet", "-am", "release 0.2.0")
    git(repo, "tag", "0.2.0")
    return repo


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", message)


def update(project: Path, **data: Any) -> None:
    check_answer_keys(data)
    copier.run_update(
        str(project), data=data, defaults=True, overwrite=True, unsafe=True, conflict="inline", quiet=True
    )


def copy_release_0_1_0(copie: Any, template_releases: Path) -> Path:
    """A project generated from release 0.1.0 and committed, as a user would have it."""
    result = copie.copy(template_dir=template_releases, vcs_ref="0.1.0")
    assert result.exception is None, repr(result.exception)
    project = Path(result.project_dir)
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "generated from 0.1.0")
    return project


def test_update_keeps_user_edits_and_brings_improvements(copie: Any, template_releases: Path) -> None:
    project = copy_release_0_1_0(copie, template_releases)
    handler = project / "internal/handler/api.go"
    handler.write_text(handler.read_text() + USER_EDIT)
    commit_all(project, "user work")

    update(project)

    assert handler.read_text().endswith(USER_EDIT)
    assert TEMPLATE_IMPROVEMENT.strip() in (project / "README.md").read_text()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.2.0"
    assert not list(project.rglob("*.rej"))
    status = git(project, "status", "--porcelain")
    assert "UU" not in status, status
    run(project, "make", "build")
    assert (project / "build/api/bootstrap").is_file()


def test_update_can_add_a_function(copie: Any, template_releases: Path) -> None:
    project = copy_release_0_1_0(copie, template_releases)
    functions = yaml.safe_load((project / ".copier-answers.yml").read_text())["functions"]

    update(project, functions=[*functions, {"name": "admin", "event": "apigw-rest", "memory": 512}])

    assert (project / "cmd/admin/main.go").is_file()
    assert "type AdminHandler struct" in (project / "internal/handler/admin.go").read_text()
    assert "admin" in (project / "Makefile").read_text().split("FUNCTIONS := ")[1].splitlines()[0]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert [f["name"] for f in answers["functions"]] == ["api", "admin"]
    assert not list(project.rglob("*.rej"))


def test_update_can_add_functions_of_new_kinds(copie: Any, template_releases: Path) -> None:
    """A REST-only project grows an SQS worker and a function URL: the shared code those kinds
    need arrives with them, the user's edits to the handler and the CDK settings are kept, and
    the project still vets and passes its tests."""
    project = copy_release_0_1_0(copie, template_releases)
    handler = project / "internal/handler/api.go"
    handler.write_text(handler.read_text() + USER_EDIT)
    config = project / "infrastructure/lib/service-config.ts"
    assert "logRetentionDays: 30," in config.read_text()
    config.write_text(config.read_text().replace("logRetentionDays: 30,", "logRetentionDays: 90,"))
    commit_all(project, "user work")
    functions = yaml.safe_load((project / ".copier-answers.yml").read_text())["functions"]
    assert not (project / "internal/batch").exists()

    update(
        project, functions=[*functions, {"name": "processor", "event": "sqs"}, {"name": "url", "event": "function-url"}]
    )

    assert handler.read_text().endswith(USER_EDIT)
    settings = config.read_text()
    assert "logRetentionDays: 90," in settings
    assert "kind: 'sqs'," in settings and "authType: 'AWS_IAM'," in settings
    assert (project / "internal/batch/batch.go").is_file()
    assert not list(project.rglob("*.rej"))
    status = git(project, "status", "--porcelain")
    assert "UU" not in status, status
    run(project, "go", "mod", "tidy")
    run(project, "go", "vet", "./...")
    run(project, "go", "test", "-count=1", "./internal/...")


def test_a_project_copied_from_a_relative_path_updates_from_inside(template_releases: Path, tmp_path: Path) -> None:
    """Copier stores the source path as typed; the answers file makes a relative one absolute, so
    `copier update` works from the project's own directory, not only from where it was copied."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    relative = Path("..") / template_releases.name
    copier_cli = str(Path(sys.executable).with_name("copier"))
    run(workdir, copier_cli, "copy", "--trust", "--defaults", "-r", "0.1.0", "-d", "run_go_tasks=false",
        str(relative), "svc")  # fmt: skip
    project = workdir / "svc"
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_src_path"] == str(template_releases)
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "generated from 0.1.0")

    run(project, copier_cli, "update", "--trust", "--defaults", "-d", "run_go_tasks=false")

    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.2.0"
    assert TEMPLATE_IMPROVEMENT.strip() in (project / "README.md").read_text()


def test_the_template_update_workflow_s_update_step_writes_the_summary_for_the_pull_request(
    copie: Any, template_releases: Path, tmp_path: Path
) -> None:
    """The generated workflow's update step, run as GitHub runs it (bash -eo pipefail, its
    RUNNER_TEMP, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), updates the project and leaves the
    pull request's body and title: the update's summary and the new version."""
    project = copy_release_0_1_0(copie, template_releases)
    workflow = yaml.safe_load((project / ".github/workflows/template-update.yml").read_text())
    step = next(step for step in workflow["jobs"]["update"]["steps"] if step.get("id") == "update")
    runner = {name: tmp_path / name for name in ("temp", "output", "step-summary")}
    runner["temp"].mkdir()
    copier_bin = str(Path(sys.executable).parent)

    run(
        project, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"],
        PATH=f"{copier_bin}:{local.env['PATH']}", RUNNER_TEMP=str(runner["temp"]),
        GITHUB_OUTPUT=str(runner["output"]), GITHUB_STEP_SUMMARY=str(runner["step-summary"]),
    )  # fmt: skip

    body = (runner["temp"] / "summary.md").read_text().splitlines()
    assert body[:3] == ["```text", "=== Template update summary ===", "Updated from 0.1.0 to 0.2.0."], body
    assert body[-1] == "```"
    assert runner["step-summary"].read_text().splitlines() == body
    assert runner["output"].read_text() == "version=0.2.0\n"
    assert TEMPLATE_IMPROVEMENT.strip() in (project / "README.md").read_text()
