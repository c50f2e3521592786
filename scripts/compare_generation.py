"""How much `copier copy` of this template costs over Copier's own floor.

Run by maintainers, not by the test suite: figures are measured, never asserted. The floor is a
plain template built in a temporary directory from a raw render of the default project: the same
files with the same contents under plain names, copied verbatim, no questions, no extensions,
also served from a git repository. Both are copied alternately, --skip-tasks and with tasks (the
template's gofmt and go mod tidy; the floor has none), and the medians compared: the ratio's
excess over 1 is what the template itself adds (its path expressions, plan and extensions).

    .venv/bin/python scripts/compare_generation.py [--runs 5] [--before main]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from plumbum import local

ROOT = Path(__file__).resolve().parents[1]
COPIER = local[str(Path(sys.executable).with_name("copier"))]
GIT = local["git"]


def copy(source: Path, destination: Path, ref: str, *flags: str) -> float:
    """Wall seconds of one `copier copy` into a fresh destination."""
    shutil.rmtree(destination, ignore_errors=True)
    started = time.monotonic()
    COPIER["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", ref, *flags, str(source), str(destination)]()
    return time.monotonic() - started


def build_floor(render: Path, floor: Path) -> int:
    """A plain template with render's files under floor/template; returns the number of files."""
    files = [p for p in render.rglob("*") if p.is_file() and p.name != ".copier-answers.yml"]
    for path in files:
        target = floor / "template" / path.relative_to(render)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (floor / "copier.yml").write_text("_subdirectory: template\n")
    # An answers file, as the template writes one.
    (floor / "template/{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers|to_nice_yaml }}\n")
    with local.cwd(floor):
        GIT["init", "-q"]()
        GIT["add", "-A"]()
        GIT["-c", "user.name=floor", "-c", "user.email=floor@example.com", "commit", "-q", "-m", "floor"]()
    return len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="copies of each kind (default 5)")
    parser.add_argument("--before", metavar="REF", help="also time the template at this git ref")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="compare-generation-") as tmp:
        work = Path(tmp)
        copy(ROOT, work / "render", "HEAD", "--skip-tasks")
        count = build_floor(work / "render", work / "floor")
        cases = {
            "floor": (work / "floor", "HEAD", ()),
            "template --skip-tasks": (ROOT, "HEAD", ("--skip-tasks",)),
            "template with tasks": (ROOT, "HEAD", ()),
        }
        if args.before:
            cases[f"{args.before} --skip-tasks"] = (ROOT, args.before, ("--skip-tasks",))
            cases[f"{args.before} with tasks"] = (ROOT, args.before, ())
        seconds: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (source, ref, flags) in cases.items():
                seconds[name].append(copy(source, work / "out", ref, *flags))
    median = {name: statistics.median(values) for name, values in seconds.items()}
    print(f"{count} files; median of {args.runs} copies each, alternating\n")
    print("| copy | seconds | / floor |")
    print("|---|---|---|")
    for name, value in median.items():
        print(f"| {name} | {value:.2f} | {value / median['floor']:.2f} |")


if __name__ == "__main__":
    main()
