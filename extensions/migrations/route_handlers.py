"""0.2.0: rewrite HTTP route handlers to take middleware.Request and return middleware.Response.

Copier runs this (copier.yml ``_migrations``, version 0.2.0) in the project after the merge of an
update that crosses 0.2.0. The rewriting is the Go program next to it, ``routehandlers/``: it
parses every package of the project with go/ast, finds the functions used as routes (and the
helpers the request goes to), and makes the changes listed under 0.2.0 Breaking in CHANGELOG.md.
What has no mechanical equivalent (``req.RequestContext``...) is printed with its file and line.
Running it twice changes nothing the second time.

It never fails the update: without Go, or when the program fails, it says what to do by hand.
Runs under Copier's own interpreter: the standard library only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROGRAM = Path(__file__).resolve().parent / "routehandlers"
BY_HAND = "make the changes listed under 0.2.0 Breaking in the template's CHANGELOG.md by hand"


def main(project: Path) -> int:
    if not (project / "go.mod").is_file():
        return 0
    go = shutil.which("go")
    if go is None:
        print(f"WARNING: route handlers not migrated: go is not on PATH; {BY_HAND}", file=sys.stderr)
        return 0
    env = {k: v for k, v in os.environ.items() if k not in ("GOFLAGS", "GOWORK")} | {"GOWORK": "off"}
    done = subprocess.run(
        [go, "run", ".", str(project)], cwd=PROGRAM, env=env, capture_output=True, text=True, check=False
    )
    lines = done.stdout.splitlines()
    if lines:
        print("Migration 0.2.0, route handlers take middleware.Request:")
        print("\n".join(f"  {line}" for line in lines))
    if done.returncode != 0:
        print(f"WARNING: route handler migration failed: {done.stderr.strip()}; {BY_HAND}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path.cwd()))
