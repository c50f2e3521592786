"""tools/pytools/install.py of CDK projects: how the Makefile installs its pinned Python tools
(checkov for `make scan`, moto for AWS=local) once per machine, into PYTHON_TOOLS_DIR. The real
installs run in the infra and runtime tiers (every project of the session shares them); these
tests use `pip` itself as the tool, which a new venv already holds, so no package is downloaded."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.runtime

SCRIPT = ROOT / "template" / "tools" / "{{ 'pytools' if iac == 'cdk' else '' }}" / "install.py"


def start(environment: Path, *requirements: str, **env: str) -> subprocess.Popen[str]:
    command = [sys.executable, str(SCRIPT), str(environment), *requirements]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.Popen(command, **pipes, text=True, env={**os.environ, **env})


def finish(run: subprocess.Popen[str]) -> tuple[int, str]:
    """Exit code and stderr."""
    _, err = run.communicate(timeout=300)
    return run.returncode, err


def install(environment: Path, *requirements: str, **env: str) -> tuple[int, str]:
    return finish(start(environment, *requirements, **env))


def test_concurrent_installs_of_one_tool_leave_one_complete_environment(tmp_path: Path) -> None:
    environment = tmp_path / "tools" / "pip-tool"
    results = [finish(run) for run in [start(environment, "pip") for _ in range(3)]]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert (environment / "installed").read_text() == "pip\n"
    version = subprocess.run([environment / "bin" / "python", "-m", "pip", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and str(environment) in version.stdout, version


def test_an_interrupted_install_is_started_again(tmp_path: Path) -> None:
    environment = tmp_path / "pip-tool"
    (environment / "bin").mkdir(parents=True)
    (environment / "bin" / "python").write_text("left by an install that was interrupted\n")
    code, err = install(environment, "pip")
    assert code == 0, err
    assert (environment / "installed").is_file()
    assert subprocess.run([environment / "bin" / "python", "-c", "pass"]).returncode == 0


def test_a_failed_install_says_what_failed_and_leaves_no_marker(tmp_path: Path) -> None:
    environment = tmp_path / "missing-tool"
    code, err = install(environment, "no-such-tool==0.0.1", PIP_NO_INDEX="1")  # offline: pip finds nothing
    assert code != 0
    assert "pip could not install no-such-tool==0.0.1" in err, err
    assert not (environment / "installed").exists()


def test_runs_on_python_39() -> None:
    """The macOS system Python is 3.9 (make scan runs python3)."""
    source = SCRIPT.read_text()
    ast.parse(source, feature_version=(3, 9))
    assert "from __future__ import annotations" in source
