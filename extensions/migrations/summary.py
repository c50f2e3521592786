"""Print what the update did: versions, changelog (Breaking first), migrations, kept files, conflicts.

Copier runs this last after every update (copier.yml ``_migrations``), in the project. The versions
come from Copier's environment (``VERSION_FROM``, ``VERSION_TO`` and their ``VERSION_PEP440_*``
forms); CHANGELOG.md and copier.yml are read from the new template version, next to this script.
It prints the changelog entries of every release the update crossed (old < release <= new, and
``[Unreleased]`` when the new version is after the last release), every Breaking section first;
the versioned migrations that ran (Copier's gate, new >= version > old); the files keep_edited.py
kept; and the files left with conflicts, each with what to do. It never fails the update.

Runs under Copier's own interpreter: the standard library, packaging and yaml.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import yaml
from packaging.version import InvalidVersion, Version

TEMPLATE = Path(__file__).resolve().parents[2]
# Written by keep_edited.py under .git/ (keep_edited.HANDOVER).
HANDOVER = "copier-update-kept.json"
MARKER = "<<<<<<< before updating"
UNRELEASED = "Unreleased"
T = TypeVar("T")


class Section(NamedTuple):
    release: str  # "0.2.0" or "Unreleased"
    title: str  # "Breaking", "Added", ...
    body: str


# --- CHANGELOG.md -------------------------------------------------------------------------------


def parse_changelog(text: str) -> dict[str, list[Section]]:
    """Release name -> its ### sections, in file order (Keep a Changelog: ## [name] - date)."""
    releases: dict[str, list[Section]] = {}
    for chunk in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading = re.match(r"\[([^\]]+)\]", chunk)
        if not heading:
            continue
        name = heading[1]
        parts = re.split(r"^### +(.+?)\s*$", chunk, flags=re.MULTILINE)
        releases[name] = [
            Section(name, title, body.strip("\n")) for title, body in zip(parts[1::2], parts[2::2], strict=True)
        ]
    return releases


def as_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def crossed(releases: dict[str, list[Section]], old: Version, new: Version) -> list[str]:
    """The releases an update from old to new brings, in changelog order (newest first)."""
    versions = {name: v for name in releases if (v := as_version(name))}
    latest = max(versions.values(), default=None)
    return [
        name
        for name in releases
        if (name == UNRELEASED and (latest is None or new > latest) and old < new)
        or (name in versions and old < versions[name] <= new)
    ]


def breaking_first(releases: dict[str, list[Section]], names: list[str]) -> list[Section]:
    sections = [section for name in names for section in releases[name]]
    return [s for s in sections if s.title == "Breaking"] + [s for s in sections if s.title != "Breaking"]


# --- Migrations ---------------------------------------------------------------------------------


def migrations_ran(config: dict[str, Any], old: Version, new: Version, template: Path) -> list[tuple[str, str]]:
    """(version, description) of each versioned migration Copier ran: new >= version > old."""
    ran = []
    for migration in config.get("_migrations") or []:
        if not isinstance(migration, dict) or "version" not in migration:
            continue
        version = Version(str(migration["version"]))
        if new >= version > old:
            ran.append((str(migration["version"]), describe(migration["command"], template)))
    return ran


def describe(command: str | list[str], template: Path) -> str:
    """The first line of the migration script's docstring, or the command when it has none."""
    last = command if isinstance(command, str) else str(command[-1])
    script = Path(re.sub(r"\{\{\s*_copier_conf\.src_path\s*\}\}", str(template), last))
    try:
        doc = ast.get_docstring(ast.parse(script.read_text()))
    except (OSError, SyntaxError, ValueError):
        doc = None
    return doc.strip().splitlines()[0] if doc else last


# --- The project --------------------------------------------------------------------------------


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # git grep exits 1 when nothing matches
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def conflicts(project: Path) -> dict[str, str]:
    """Conflicted path -> what to do: unmerged files, files with markers, and *.rej files."""
    marked = set(git(project, "grep", "-l", "-I", "--untracked", "-e", f"^{MARKER}").splitlines())
    unmerged = set(git(project, "diff", "--name-only", "--relative", "--diff-filter=U").splitlines())
    rejects = git(project, "ls-files", "--others", "--", "*.rej").splitlines()
    todo = {}
    for path in sorted(marked | unmerged):
        if path in marked:
            todo[path] = (
                f"between `{MARKER}` and `=======` is your version, from there to `>>>>>>> after updating`"
                f" the template's: keep what you need, delete the markers, then `git add {path}`"
            )
        else:
            todo[path] = f"marked unmerged: check it, then `git add {path}`"
    for path in rejects:
        target = path.removesuffix(".rej")
        todo[path] = f"the template's change to {target} did not apply: make its hunks by hand, then delete {path}"
    return todo


def kept_files(project: Path) -> list[tuple[str, str]]:
    """The (path, reason) pairs keep_edited.py handed over; the hand-over file is removed."""
    handover = project / git(project, "rev-parse", "--git-path", HANDOVER).strip()
    if not handover.is_file():
        return []
    try:
        return [(str(path), str(why)) for path, why in json.loads(handover.read_text())]
    finally:
        handover.unlink()


# --- Output -------------------------------------------------------------------------------------


def indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else "" for line in text.splitlines())


def version_label(raw: str, pep440: str) -> str:
    return raw if not pep440 or raw == pep440 else f"{raw} ({pep440})"


def changelog_lines(sections: list[Section]) -> list[str]:
    if not sections:
        return ["No CHANGELOG.md entries between these versions."]
    lines = []
    breaking = [s for s in sections if s.title == "Breaking"]
    if breaking:
        lines.append("Breaking changes, first: what you must change (CHANGELOG.md):")
        lines += [f"  [{s.release}] Breaking\n{indent(s.body, '    ')}" for s in breaking]
    others = [s for s in sections if s.title != "Breaking"]
    if others:
        lines.append("Other changes:")
        lines += [f"  [{s.release}] {s.title}\n{indent(s.body, '    ')}" for s in others]
    return lines


def project_lines(kept: list[tuple[str, str]], todo: dict[str, str]) -> list[str]:
    lines = []
    if kept:
        lines.append("Kept, although the new version no longer generates them:")
        lines += [f"  {path}: {why}" for path, why in kept]
    if todo:
        lines.append(f"Conflicts in {len(todo)} file{'s' if len(todo) > 1 else ''}: resolve each before you commit:")
        lines += [f"  {path}: {what}" for path, what in todo.items()]
    else:
        lines.append("No conflicts.")
    return lines


def guarded(what: str, compute: Callable[[], T], fallback: T) -> T:
    """compute(), or fallback with a warning: one broken part must not hide the others."""
    try:
        return compute()
    except Exception as error:  # the update has happened: never fail it
        print(f"WARNING: update summary: could not read {what}: {error}", file=sys.stderr)
        return fallback


def summary(project: Path, env: dict[str, str], template: Path) -> str:
    raw_old, raw_new = env.get("VERSION_FROM", ""), env.get("VERSION_TO", "")
    pep_old, pep_new = env.get("VERSION_PEP440_FROM", ""), env.get("VERSION_PEP440_TO", "")
    old, new = as_version(pep_old or raw_old), as_version(pep_new or raw_new)
    lines = ["", "=== Template update summary ==="]
    if old is not None and old == new:
        label = version_label(raw_new, pep_new)
        lines.append(f"Already at {label}: no newer template version; only changed answers were applied.")
    elif old is None or new is None:
        lines.append(f"Updated from {raw_old or 'an unknown version'} to {raw_new or 'an unknown version'}.")
    else:
        lines.append(f"Updated from {version_label(raw_old, pep_old)} to {version_label(raw_new, pep_new)}.")
        releases = guarded("CHANGELOG.md", lambda: parse_changelog((template / "CHANGELOG.md").read_text()), {})
        lines += changelog_lines(breaking_first(releases, crossed(releases, old, new)))
        config = guarded("copier.yml", lambda: yaml.safe_load((template / "copier.yml").read_text()), {})
        ran = guarded("the migrations", lambda: migrations_ran(config, old, new, template), [])
        if ran:
            lines.append("Migrations that ran:")
            lines += [f"  {d}" if d.startswith(v) else f"  {v}: {d}" for v, d in ran]
    kept = guarded("the kept files", lambda: kept_files(project), [])
    todo = guarded("the conflicts", lambda: conflicts(project), {})
    lines += project_lines(kept, todo)
    lines.append("Next: review `git diff`, then run `make build test` and commit.")
    return "\n".join(lines)


def main() -> int:
    text = guarded("the update", lambda: summary(Path.cwd(), dict(os.environ), TEMPLATE), "")
    if text:
        print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
