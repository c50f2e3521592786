"""Unit tier: the post-generation tasks never lose files and tell the user what to run later."""

from __future__ import annotations

from pathlib import Path

import pytest
from plumbum import local

from extensions import tasks

pytestmark = pytest.mark.unit


def test_temporary_renders_are_recognised(tmp_path: Path) -> None:
    assert tasks.is_temporary_render(tmp_path / "copier._main.old_copy.abc123")
    assert tasks.is_temporary_render(tmp_path / "copier._main.new_copy.x" / "sub")
    assert not tasks.is_temporary_render(tmp_path / "my-service")


def test_missing_go_warns_with_the_command_to_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.go").write_text("package main\n")
    with local.env(PATH=str(tmp_path / "empty-bin")):
        assert tasks.main(["--destination", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"cd {tmp_path} && go fmt ./..." in err
    assert f"cd {tmp_path} && go mod tidy" in err
    assert (tmp_path / "main.go").read_text() == "package main\n"


def test_tidy_failure_warns_and_keeps_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not local.which("go"):
        pytest.fail("go is required")
    (tmp_path / "go.mod").write_text("module example.com/broken\n\ngo 1.26.0\n")
    (tmp_path / "main.go").write_text('package main\n\nimport _ "example.invalid/nope"\n\nfunc main() {}\n')
    with local.env(GOPROXY="off"):
        assert tasks.run_go_mod_tidy(tmp_path) is False
    assert "go mod tidy failed" in capsys.readouterr().err
    assert (tmp_path / "go.mod").is_file()


def test_gofmt_reformats_only_unformatted_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.go").write_text("package x\n")
    (tmp_path / "bad.go").write_text("package x\nfunc  F( ) {}\n")
    assert tasks.run_gofmt(tmp_path) is True
    assert (tmp_path / "bad.go").read_text() == "package x\n\nfunc F() {}\n"
    assert "bad.go" in capsys.readouterr().err


def test_gofmt_leaves_npm_packages_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After `npm ci`, infrastructure/node_modules holds .go files that are not Go (aws-cdk's init
    templates): the task that runs on every `copier update` must neither read nor fail on them."""
    (tmp_path / "cmd").mkdir()
    (tmp_path / "cmd" / "main.go").write_text("package main\nfunc  main( ) {}\n")
    template = tmp_path / "infrastructure/node_modules/aws-cdk/lib/init-templates/app/go/%name%.template.go"
    template.parent.mkdir(parents=True)
    template.write_text("package main\n\nimport %name%\n")
    assert tasks.go_files(tmp_path) == ["cmd/main.go"]
    assert tasks.run_gofmt(tmp_path) is True
    assert (tmp_path / "cmd" / "main.go").read_text() == "package main\n\nfunc main() {}\n"
    assert template.read_text() == "package main\n\nimport %name%\n"
    assert "WARNING: gofmt reformatted cmd/main.go" in capsys.readouterr().err


def test_a_gofmt_error_warns_and_never_fails_the_task(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.go").write_text("package\n")
    assert tasks.main(["--destination", str(tmp_path)]) == 0
    assert "gofmt failed" in capsys.readouterr().err
