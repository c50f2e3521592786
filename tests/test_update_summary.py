"""The two migrations that run after every update: keep_edited.py keeps files the user edited that
the new version no longer generates, summary.py prints what the update did (versions, changelog
with Breaking first, migrations, kept files, conflicts). Pure parts are unit tests; one update
test runs both for real, from a project of release 0.1.0."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import Version

from extensions.migrations import keep_edited, summary

from .conftest import ROOT
from .test_update import TEMPLATE_IMPROVEMENT, commit_all, git, template_releases, update

__all__ = ["template_releases"]  # a fixture, used by name

MIGRATIONS = ROOT / "extensions/migrations"

CHANGELOG = """# Changelog

Intro text.

## [Unreleased]

### Added

- unreleased feature

## [0.3.0] - 2027-01-02
<!-- commit: 333 -->

### Breaking

- third breaking

### Fixed

- third fix

## [0.2.0] - 2026-12-01

### Added

- second feature

### Breaking

- second breaking
  continued

## [0.1.0] - 2026-11-28

### Added

- first release
"""


def names(sections: list[summary.Section]) -> list[tuple[str, str]]:
    return [(s.release, s.title) for s in sections]


@pytest.mark.unit
def test_changelog_is_parsed_into_releases_and_sections() -> None:
    releases = summary.parse_changelog(CHANGELOG)
    assert list(releases) == ["Unreleased", "0.3.0", "0.2.0", "0.1.0"]
    assert names(releases["0.2.0"]) == [("0.2.0", "Added"), ("0.2.0", "Breaking")]
    assert releases["0.2.0"][1].body == "- second breaking\n  continued"
    assert releases["0.3.0"][0].body == "- third breaking"  # the commit comment is not an entry


@pytest.mark.unit
@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("0.1.0", "0.2.0", ["0.2.0"]),
        ("0.1.0", "0.3.0", ["0.3.0", "0.2.0"]),
        ("0.2.0", "0.3.0.post5.dev0+g1234", ["Unreleased", "0.3.0"]),
        ("0.3.0", "0.3.0.post1.dev0+gabcd", ["Unreleased"]),
        ("0.0.0.post3.dev0+6210335", "0.1.0", ["0.1.0"]),
        ("0.2.0", "0.2.0", []),
    ],
)
def test_the_releases_an_update_crosses_are_old_exclusive_new_inclusive(
    old: str, new: str, expected: list[str]
) -> None:
    assert summary.crossed(summary.parse_changelog(CHANGELOG), Version(old), Version(new)) == expected


@pytest.mark.unit
def test_breaking_sections_of_every_release_come_first() -> None:
    releases = summary.parse_changelog(CHANGELOG)
    ordered = summary.breaking_first(releases, ["Unreleased", "0.3.0", "0.2.0"])
    assert names(ordered) == [
        ("0.3.0", "Breaking"),
        ("0.2.0", "Breaking"),
        ("Unreleased", "Added"),
        ("0.3.0", "Fixed"),
        ("0.2.0", "Added"),
    ]
    printed = summary.changelog_lines(ordered)
    assert printed[0].startswith("Breaking changes")
    assert printed.index("Other changes:") == 3


@pytest.mark.unit
def test_versioned_migrations_run_when_new_ge_version_gt_old(tmp_path: Path) -> None:
    for version in ("020", "030"):
        (tmp_path / f"m{version}.py").write_text(f'"""Rewrite things for {version}.\n\nMore.\n"""\n')
    config = {
        "_migrations": [
            {"version": "0.2.0", "command": ["python", "{{ _copier_conf.src_path }}/m020.py"]},
            {"version": "0.3.0", "command": ["python", "{{_copier_conf.src_path}}/m030.py"]},
            {"command": ["python", "{{ _copier_conf.src_path }}/always.py"]},
        ]
    }

    def ran(old: str, new: str) -> list[tuple[str, str]]:
        return summary.migrations_ran(config, Version(old), Version(new), tmp_path)

    assert ran("0.1.0", "0.2.0") == [("0.2.0", "Rewrite things for 020.")]
    assert ran("0.2.0", "0.3.0") == [("0.3.0", "Rewrite things for 030.")]
    assert [v for v, _ in ran("0.1.0", "0.3.0.post2.dev0+g1")] == ["0.2.0", "0.3.0"]
    assert ran("0.3.0", "0.3.0") == []


@pytest.mark.unit
def test_the_template_s_own_migrations_are_described_by_their_docstrings() -> None:
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    ran = summary.migrations_ran(config, Version("0.1.0"), Version("0.2.0"), ROOT)
    assert ran == [("0.2.0", (MIGRATIONS / "route_handlers.py").read_text().split('"""')[1].splitlines()[0])]


def repo_with_conflicts(tmp_path: Path) -> Path:
    """A repository with one unmerged file (a real merge), one with Copier's markers, a *.rej and a clean file."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    for name in ("merged.txt", "marked.txt", "clean.txt", "patched.go"):
        (repo / name).write_text("one\n")
    commit_all(repo, "base")
    git(repo, "checkout", "--quiet", "-b", "other")
    (repo / "merged.txt").write_text("theirs\n")
    commit_all(repo, "theirs")
    git(repo, "checkout", "--quiet", "main")
    (repo / "merged.txt").write_text("ours\n")
    commit_all(repo, "ours")
    subprocess.run(["git", "merge", "--quiet", "other"], cwd=repo, capture_output=True, check=False)
    (repo / "marked.txt").write_text(
        "<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n"
    )  # fmt: skip
    (repo / "patched.go.rej").write_text("@@ -1 +1 @@\n-one\n+two\n")
    return repo


@pytest.mark.unit
def test_conflicts_are_unmerged_files_files_with_markers_and_rej_files(tmp_path: Path) -> None:
    repo = repo_with_conflicts(tmp_path)
    todo = summary.conflicts(repo)
    assert sorted(todo) == ["marked.txt", "merged.txt", "patched.go.rej"]
    assert "`git add marked.txt`" in todo["marked.txt"]
    assert "patched.go did not apply" in todo["patched.go.rej"]
    assert "delete patched.go.rej" in todo["patched.go.rej"]


@pytest.mark.unit
def test_a_clean_repository_has_no_conflicts(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    (tmp_path / "a.txt").write_text("<<<<<<< not a marker line start\n")
    assert summary.conflicts(tmp_path) == {}


@pytest.mark.unit
def test_kept_files_are_handed_over_once(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    assert summary.HANDOVER == keep_edited.HANDOVER
    keep_edited.handover_path(tmp_path).write_text('[["internal/handler/worker.go", "you edited it"]]')
    assert summary.kept_files(tmp_path) == [("internal/handler/worker.go", "you edited it")]
    assert summary.kept_files(tmp_path) == []


@pytest.mark.unit
def test_the_summary_says_already_at_when_the_version_did_not_change(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    env = {"VERSION_FROM": "0.2.0", "VERSION_TO": "0.2.0", "VERSION_PEP440_FROM": "0.2.0", "VERSION_PEP440_TO": "0.2.0"}
    lines = summary.summary(tmp_path, env, ROOT).splitlines()
    assert "Already at 0.2.0: no newer template version; only changed answers were applied." in lines
    assert not any(line.startswith(("Breaking", "Other changes", "Migrations")) for line in lines)
    assert "No conflicts." in lines


@pytest.mark.unit
@pytest.mark.parametrize(
    ("path", "function"),
    [
        ("cmd/stream-processor/main.go", "stream-processor"),
        ("events/stream-processor/insert.json", "stream-processor"),
        ("internal/handler/stream_processor.go", "stream-processor"),
        ("internal/handler/stream_processor_test.go", "stream-processor"),
        ("internal/handler/helpers_test.go", None),
        ("cmd/api/main.go", None),
    ],
)
def test_the_files_of_a_removed_function_are_told_apart(path: str, function: str | None) -> None:
    assert keep_edited.function_of(path, {"stream-processor"}) == function


@pytest.mark.unit
def test_a_dropped_file_is_kept_only_when_it_differs_from_the_old_render(tmp_path: Path) -> None:
    (tmp_path / "internal/handler").mkdir(parents=True)
    (tmp_path / "internal/handler/worker.go").write_bytes(b"package handler\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/old.go").write_bytes(b"package pkg\n")

    def reason(path: str, mine: bytes) -> str | None:
        return keep_edited.reason(path, mine, tmp_path, {"worker"}, "0.2.0")

    assert reason("internal/handler/worker.go", b"package handler\n") is None
    assert reason("internal/handler/worker.go", b"package handler\n// mine\n") == (
        "you edited it, and function 'worker' is no longer in the `functions` answer; "
        "delete the file if removing the function was intended"
    )
    assert reason("pkg/old.go", b"package pkg // mine\n") == (
        "you edited it, and version 0.2.0 no longer generates it; delete the file if you no longer need it"
    )
    assert reason("pkg/gone.go", b"package pkg\n").startswith("not in a fresh render of the old version")


@pytest.mark.unit
@pytest.mark.parametrize("script", ["keep_edited.py", "summary.py"])
def test_outside_a_git_repository_the_migrations_warn_and_exit_0(tmp_path: Path, script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(MIGRATIONS / script)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("WARNING: "), done.stderr


USER_HANDLER_EDIT = "\n// Retries is the user's own addition; a removed function must keep it.\nconst Retries = 3\n"
USER_README_EDIT = "\n## Notes\n\nThe user's own README section, where 0.2.0 adds its own.\n"


@pytest.mark.update
def test_removing_an_edited_function_keeps_its_handler_and_the_summary_lists_conflicts(
    copie: Any, template_releases: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    api = {"name": "api", "event": "apigw-rest", "memory": 1024, "timeout": 30}
    result = copie.copy(
        template_dir=template_releases,
        vcs_ref="0.1.0",
        extra_answers={"functions": [api, {"name": "worker", "event": "direct"}]},
    )
    assert result.exception is None, repr(result.exception)
    project = Path(result.project_dir)
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "generated from 0.1.0")
    handler = project / "internal/handler/worker.go"
    handler.write_text(handler.read_text() + USER_HANDLER_EDIT)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + USER_README_EDIT)
    commit_all(project, "user work")
    unedited = ["cmd/worker/main.go", "internal/handler/worker_test.go", "events/worker"]
    assert all((project / path).exists() for path in unedited)
    capfd.readouterr()

    update(project, functions=[api])

    out = capfd.readouterr().out
    # (a) the edited handler is kept and named with the `functions` answer; the rest of worker goes.
    assert handler.read_text().endswith(USER_HANDLER_EDIT)
    assert [path for path in unedited if (project / path).exists()] == []
    kept = [line for line in out.splitlines() if line.startswith("Kept ")]
    assert len(kept) == 1, out
    assert re.fullmatch(
        r"Kept internal/handler/worker\.go: you edited it, and function 'worker' is no longer in the "
        r"`functions` answer; delete the file if removing the function was intended\.",
        kept[0],
    ), kept
    assert "internal/handler/worker.go" not in git(project, "diff", "--name-only", "--diff-filter=D", "HEAD")
    # (b) the summary: both versions, the 0.2.0 changelog, the kept file and the README conflict.
    report = out.split("=== Template update summary ===\n", 1)[1].splitlines()
    assert report[0] == "Updated from 0.1.0 to 0.2.0."
    assert "  [0.2.0] Breaking" in report
    conflicts = report.index(next(line for line in report if line.startswith("Conflicts in ")))
    assert report[conflicts] == "Conflicts in 1 file: resolve each before you commit:"
    assert report[conflicts + 1].startswith("  README.md: between `<<<<<<< before updating`")
    assert "  internal/handler/worker.go: you edited it" in "\n".join(report[:conflicts])
    assert TEMPLATE_IMPROVEMENT.strip().splitlines()[0] in readme.read_text()
    assert not (project / ".git" / keep_edited.HANDOVER).exists()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "0.2.0"
