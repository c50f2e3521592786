"""How `make build` scales with the number of functions, against one `go build` per function.

Run by maintainers, not by the test suite: figures are measured, never asserted. For each count it
generates a project of that many `direct` functions (no services, iac none), warms Go's build
cache, then times alternately, median of --runs:

- sequential: one `go build -o build/<fn>/bootstrap ./cmd/<fn>` after another, with the flags and
  tags `make build` uses (what the Makefile did before it built all functions in one go);
- make build, cold: `make build` after `rm -rf build` (every bootstrap linked again);
- make build, edit: one function's main.go changed;
- make build, no-op: nothing changed.

    .venv/bin/python scripts/compare_builds.py [--counts 1,10,50] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from plumbum import local

ROOT = Path(__file__).resolve().parents[1]
COPIER = local[str(Path(sys.executable).with_name("copier"))]
MAKE = local["make"]["--no-print-directory", "-s"]
GO = local["go"]
# GO_BUILD_FLAGS and DEPLOY_TAGS of the generated Makefile (go keeps the last -tags).
MAKEFILE_FLAGS = ("-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-tags", "lambda.norpc,awsconfig.lambdaonly")


def generate(destination: Path, count: int) -> list[str]:
    names = [f"fn{i:02d}" for i in range(count)]
    functions = "[" + ", ".join(f'{{"name": "{n}", "event": "direct"}}' for n in names) + "]"
    answers = ("iac=none", "example_crud=false", "ci=false", f"functions={functions}")
    data = [arg for answer in answers for arg in ("--data", answer)]
    COPIER["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", *data, str(ROOT), str(destination)]()
    return names


def timed(action, *args) -> float:
    started = time.monotonic()
    action(*args)
    return time.monotonic() - started


def sequential(project: Path, names: list[str]) -> None:
    """The old Makefile's way: a go build per function, one after another."""
    shutil.rmtree(project / "build", ignore_errors=True)
    with local.cwd(project), local.env(CGO_ENABLED="0", GOOS="linux", GOARCH="arm64"):
        for name in names:
            GO["build", *MAKEFILE_FLAGS, "-o", f"build/{name}/bootstrap", f"./cmd/{name}"]()


def make_build(project: Path) -> None:
    MAKE["-C", str(project), "build"]()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1,10,50", help="function counts (default 1,10,50)")
    parser.add_argument("--runs", type=int, default=3, help="timings of each case (default 3)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; median of {args.runs}, alternating\n")
    print("| functions | sequential | make build cold | ratio | edit | no-op |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as tmp:
        for count in (int(c) for c in args.counts.split(",")):
            project = Path(tmp) / f"p{count}"
            names = generate(project, count)
            make_build(project)  # warms Go's build cache
            times: dict[str, list[float]] = {"sequential": [], "cold": [], "edit": [], "noop": []}
            main_go = project / "cmd" / names[0] / "main.go"
            for run in range(args.runs):
                times["sequential"].append(timed(sequential, project, names))
                shutil.rmtree(project / "build")
                times["cold"].append(timed(make_build, project))
                main_go.write_text(main_go.read_text() + f"\n// edit {run}\n")
                times["edit"].append(timed(make_build, project))
                times["noop"].append(timed(make_build, project))
            m = {k: statistics.median(v) for k, v in times.items()}
            print(
                f"| {count} | {m['sequential']:.2f} s | {m['cold']:.2f} s | {m['cold'] / m['sequential']:.2f} "
                f"| {m['edit']:.2f} s | {m['noop']:.2f} s |"
            )


if __name__ == "__main__":
    main()
