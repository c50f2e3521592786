"""Keep the files you edited that the new template version no longer generates.

Copier deletes every file the old version generated and the new one does not, edited or not: a
function taken out of the `functions` answer takes the user's edited handler with it. Copier runs
this after every update (copier.yml ``_migrations``), in the project, after the merge. It lists the
files the update deleted, renders the old version with the old answers (from the last commit, as
Copier itself does) to tell which of them the user edited, restores those from the last commit
and names each one with the reason. Unedited files stay deleted. The kept files are handed to
summary.py in a small file under .git/. It never fails the update.

Runs under Copier's own interpreter: the standard library, copier and yaml.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import yaml

ANSWERS = ".copier-answers.yml"
# Written here, read (and removed) by summary.py.
HANDOVER = "copier-update-kept.json"


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


def handover_path(project: Path) -> Path:
    return project / git(project, "rev-parse", "--git-path", HANDOVER).strip()


def deleted_files(project: Path) -> list[str]:
    """Files of the last commit that the update deleted (paths relative to the project)."""
    return git(project, "diff", "--name-only", "--relative", "--diff-filter=D", "HEAD").splitlines()


def committed(project: Path, path: str) -> bytes:
    return subprocess.run(["git", "show", f"HEAD:./{path}"], cwd=project, capture_output=True, check=True).stdout


def render_old_version(answers: dict[str, Any], destination: Path) -> None:
    """Render the template as the project was last generated: its source, commit and answers."""
    import copier  # only needed when the update deleted something

    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # skip_tasks instead of run_go_tasks=False: it works for every old version, with or without
        # that question, and the tasks (gofmt, go mod tidy) change none of the files compared here.
        copier.run_copy(
            answers["_src_path"],
            destination,
            data=data,
            vcs_ref=answers["_commit"],
            defaults=True,
            quiet=True,
            unsafe=True,
            skip_tasks=True,
        )


def function_names(answers: dict[str, Any]) -> set[str]:
    functions = answers.get("functions")
    if not isinstance(functions, list):
        return set()
    return {str(f["name"]) for f in functions if isinstance(f, dict) and "name" in f}


def function_of(path: str, names: set[str]) -> str | None:
    """The function whose files path belongs to: cmd/<fn>/, events/<fn>/, internal/handler/<fn>[_test].go."""
    parts = Path(path).parts
    for name in sorted(names):
        go_file = name.replace("-", "_")
        if parts[:2] in {("cmd", name), ("events", name)} or path in {
            f"internal/handler/{go_file}.go",
            f"internal/handler/{go_file}_test.go",
        }:
            return name
    return None


def reason(path: str, mine: bytes, rendered: Path, removed_functions: set[str], version: str) -> str | None:
    """Why path (committed as mine) must be kept, or None when it is the old version's file unchanged."""
    old = rendered / path
    function = function_of(path, removed_functions)
    if function:
        why = (
            f"function '{function}' is no longer in the `functions` answer; "
            "delete the file if removing the function was intended"
        )
    else:
        why = f"version {version} no longer generates it; delete the file if you no longer need it"
    if not old.is_file():
        return f"not in a fresh render of the old version, so it may be your work, and {why}"
    return None if old.read_bytes() == mine else f"you edited it, and {why}"


def keep(project: Path) -> list[tuple[str, str]]:
    """Restore the deleted files the user edited; returns (path, reason) for each."""
    deleted = deleted_files(project)
    if not deleted:
        return []
    old_answers = yaml.safe_load(git(project, "show", f"HEAD:./{ANSWERS}")) or {}
    new_answers = yaml.safe_load((project / ANSWERS).read_text()) or {}
    removed_functions = function_names(old_answers) - function_names(new_answers)
    version = str(new_answers.get("_commit", "the new version"))
    with tempfile.TemporaryDirectory(prefix="keep_edited.") as tmp:
        rendered = Path(tmp) / "old"
        render_old_version(old_answers, rendered)
        kept = [
            (path, why)
            for path in deleted
            if (why := reason(path, committed(project, path), rendered, removed_functions, version))
        ]
    if kept:
        git(project, "-c", "core.hooksPath=/dev/null", "checkout", "HEAD", "--", *(path for path, _ in kept))
    return kept


def main(project: Path) -> int:
    try:
        handover = handover_path(project)
        handover.unlink(missing_ok=True)
        kept = keep(project)
        if kept:
            handover.write_text(json.dumps(kept))
    except Exception as error:  # the update has happened: never fail it
        stderr = getattr(error, "stderr", None) or ""
        detail = (stderr.decode(errors="replace") if isinstance(stderr, bytes) else str(stderr)).strip()
        print(
            f"WARNING: could not check which deleted files you had edited: {error} {detail}".rstrip()
            + "\n  `git diff --diff-filter=D HEAD` lists the files the update deleted; "
            "`git checkout HEAD -- <file>` brings one back.",
            file=sys.stderr,
        )
        return 0
    for path, why in kept:
        print(f"Kept {path}: {why}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path.cwd()))
