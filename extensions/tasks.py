"""Post-generation tasks, run by Copier (copier.yml ``_tasks``) inside the generated project.

1. gofmt: a safety net. Templates render gofmt-clean Go (a test proves this is a no-op).
2. go mod tidy: writes go.sum (needs the module proxy or a warm module cache).

Copier runs tasks three times on ``copier update``: in a temporary render of the old version, in
the project, and in a temporary render of the new version. gofmt is offline and idempotent, so it
runs everywhere; tidy touches the network and only matters in the real project, so it is skipped in
the temporary renders. A missing Go toolchain or network never fails the generation: every file is
kept and the exact command to run later is printed.

Runs under Copier's own interpreter: only the standard library and plumbum (a Copier dependency).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from plumbum import ProcessExecutionError, local
from plumbum.commands.processes import CommandNotFound

# Prefixes of Copier's temporary renders during `copier update` (copier/_main.py).
TEMPORARY_RENDER_PREFIXES = ("copier._main.old_copy.", "copier._main.new_copy.")


def warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr)


def is_temporary_render(destination: Path) -> bool:
    return any(part.startswith(TEMPORARY_RENDER_PREFIXES) for part in destination.resolve().parts)


# Folders that hold no Go of the project's: npm packages ship .go files (aws-cdk's init templates,
# which are not valid Go), and the rest are tools, build output and git's own.
NOT_THE_PROJECTS = {"node_modules", "cdk.out", "build", ".tools", ".git"}


def go_files(project: Path) -> list[str]:
    """The project's own .go files, relative to it, as go.mod's `ignore node_modules` sees them."""
    found = []
    for folder, subfolders, files in os.walk(project):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_THE_PROJECTS)
        found += [str(Path(folder, name).relative_to(project)) for name in sorted(files) if name.endswith(".go")]
    return found


def run_gofmt(project: Path) -> bool:
    try:
        gofmt = local["gofmt"]
    except CommandNotFound:
        warn(f"gofmt not found (install Go 1.26+); later run: cd {project} && go fmt ./...")
        return False
    files = go_files(project)
    if not files:
        return True
    try:
        with local.cwd(project):
            unformatted = gofmt("-l", *files).split()
            if unformatted:
                warn(f"gofmt reformatted {', '.join(unformatted)}")
                gofmt("-w", *unformatted)
    except ProcessExecutionError as error:
        reason = (error.stderr or "").strip().splitlines()[:1] or ["unknown error"]
        warn(f"gofmt failed ({reason[0]}); later run: cd {project} && go fmt ./...")
        return False
    return True


def run_go_mod_tidy(project: Path) -> bool:
    try:
        go = local["go"]
    except CommandNotFound:
        warn(f"go not found (install Go 1.26+); later run: cd {project} && go mod tidy")
        return False
    try:
        with local.cwd(project):
            go("mod", "tidy")
    except ProcessExecutionError as error:
        reason = (error.stderr or "").strip().splitlines()[-1:] or ["unknown error"]
        warn(f"go mod tidy failed ({reason[0]}); go.sum is incomplete. Later run: cd {project} && go mod tidy")
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Copier runs tasks inside the generated project; the flag exists for running by hand.
    parser.add_argument("--destination", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    project: Path = args.destination.resolve()

    run_gofmt(project)
    if is_temporary_render(project):
        return 0
    run_go_mod_tidy(project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
