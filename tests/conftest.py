"""Shared fixtures and helpers for the template's test suite (run by `make test` / .ci/run)."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml
from plumbum import local

from .kinds import every_kind, every_kind_twice

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = {key for key in yaml.safe_load((ROOT / "copier.yml").read_text()) if not key.startswith("_")}


# `make test` runs the suite in parallel (pytest-xdist, --dist loadgroup). The session projects
# below are shared by many tests that run make targets in their directory (build/, cdk.out,
# node_modules), so every test using one runs in the same worker, one after another; the first
# of them builds it there. Tests without one are spread over the workers freely.
SHARED_PROJECTS = (
    "default_project",
    "every_kind_project",
    "every_kind_twice_project",
    "event_driven_project",
    "production_project",
)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks the group as each test is collected, before any pytest_collection_modifyitems: xdist
    reads the groups in its own, whatever order those hooks run in."""
    shared = [name for name in SHARED_PROJECTS if name in getattr(item, "fixturenames", ())]
    if shared:
        item.add_marker(pytest.mark.xdist_group(shared[0]))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """xdist groups a test by the `@group` it appends to the test's node id; if a pytest release
    stops that from taking effect (pytest 9.2 with xdist 3.8.0), every worker builds its own copy
    of each shared project and the suite takes far longer: the grouped tests fail instead."""
    mark = item.get_closest_marker("xdist_group")
    if mark and getattr(item.config.option, "loadgroup", False) and "@" not in item.nodeid:
        pytest.fail(f"pytest-xdist did not group this test ({mark.args[0]}): see pytest's pin in requirements.txt")


@pytest.fixture(scope="session", autouse=True)
def isolated_copier_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep a developer's ~/.config/copier/settings.yml defaults out of the tests."""
    settings = tmp_path_factory.mktemp("copier-settings") / "settings.yml"
    settings.write_text("{}\n")
    os.environ["COPIER_SETTINGS_PATH"] = str(settings)
    # Tests commit generated projects; a fresh machine may have no git identity.
    for variable, value in {
        "GIT_AUTHOR_NAME": "template tests",
        "GIT_AUTHOR_EMAIL": "tests@example.com",
        "GIT_COMMITTER_NAME": "template tests",
        "GIT_COMMITTER_EMAIL": "tests@example.com",
    }.items():
        os.environ.setdefault(variable, value)
    # The generated Makefiles install checkov and moto once per machine (PYTHON_TOOLS_DIR): here once
    # per session, in a directory every xdist worker shares, so the first project to need a tool
    # installs it as a user's first run does, and the others (in either worker) find it there.
    base = tmp_path_factory.getbasetemp()
    session_root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    os.environ["PYTHON_TOOLS_DIR"] = str(session_root / "python-tools")
    local.env["PYTHON_TOOLS_DIR"] = os.environ["PYTHON_TOOLS_DIR"]
    # `make test` runs this suite; the generated projects' make must not run as its sub-make (a
    # user's make prints "make:", not "make[1]:", and inherits no flags of ours).
    for variable in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
        os.environ.pop(variable, None)
        local.env.pop(variable, None)  # plumbum copied the environment when it was imported


def check_answer_keys(answers: dict[str, Any]) -> None:
    """Copier silently ignores unknown keys, so a typo would test the defaults instead."""
    unknown = set(answers) - QUESTIONS
    assert not unknown, f"not questions in copier.yml: {sorted(unknown)}"


def generate(copie: Any, **answers: Any) -> Path:
    """Generate a project with pytest-copie and fail loudly on any error."""
    check_answer_keys(answers)
    result = copie.copy(extra_answers=answers)
    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0
    assert result.project_dir is not None
    return Path(result.project_dir)


def render(copie: Any, **answers: Any) -> Path:
    """Generate without the Go tasks: the raw render, as Copier wrote it."""
    return generate(copie, run_go_tasks=False, **answers)


def run(cwd: Path, *args: str, **env: str) -> str:
    """Run a command in cwd (with env added) and fail the test with its output when it exits non-zero."""
    with local.cwd(cwd), local.env(**env):
        code, out, err = local[args[0]][args[1:]].run(retcode=None)
    assert code == 0, f"{' '.join(args)} exited {code}\n{out[-6000:]}\n{err[-6000:]}"
    return out


def free_port() -> int:
    """A loopback port nothing listens on (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is required for this test tier and is not on PATH")
    return path


@pytest.fixture(scope="session")
def default_render(copie_session: Any) -> Path:
    """The default project, rendered once per session without tasks."""
    return render(copie_session)


@pytest.fixture(scope="session")
def default_project(copie_session: Any) -> Path:
    """The default project exactly as a user gets it: tasks ran (gofmt, go mod tidy)."""
    require_tool("go")
    return generate(copie_session)


@pytest.fixture(scope="session")
def every_kind_project(copie_session: Any) -> Path:
    """A project with one function of every event kind (tests/kinds.py), tasks run."""
    require_tool("go")
    return generate(copie_session, **every_kind())


@pytest.fixture(scope="session")
def every_kind_twice_project(copie_session: Any) -> Path:
    """Two functions of every kind, each using every AWS service (tests/kinds.py), tasks run."""
    require_tool("go")
    return generate(copie_session, **every_kind_twice())


@pytest.fixture(scope="session")
def event_driven_project(copie_session: Any) -> Path:
    """The `event-driven` preset of the starter catalogue, tasks run: one connected system."""
    require_tool("go")
    return generate(copie_session, **yaml.safe_load((ROOT / "presets" / "event-driven.yml").read_text()))


# The production features that are off by default, on together in one project: an sqs and an
# eventbridge function (the kinds that idempotency applies to) with DynamoDB, tracing spans on.
PRODUCTION_ANSWERS: dict[str, Any] = {
    "project_name": "orders",
    "events": ["apigw-rest", "sqs", "eventbridge"],  # the users API counts UserCreated
    "aws_services": ["dynamodb"],
    "idempotency": True,
    "tracing_spans": True,
    "stages": "dev,staging,prod",
    "deployment": "canary",
    "alarms": True,
    "outbound_base_url": "https://partner.example.com/v1",
}


@pytest.fixture(scope="session")
def production_project(copie_session: Any) -> Path:
    """A project as a team runs it in production (PRODUCTION_ANSWERS): three stages, canary
    deploys, alarms, idempotency, tracing spans, metrics and an outbound HTTP client; tasks run."""
    require_tool("go")
    return generate(copie_session, **PRODUCTION_ANSWERS)
