"""Wall time of one local invocation, against a hello-world bootstrap under the same runner.

Run by maintainers (`make measure-invoke`), not by the test suite: timings are measured, never
asserted. It generates a project holding one direct-invocation function (`worker`, no AWS
services), adds a hello-world function beside it, builds both for this machine and times
`localrun invoke` of each, under the Lambda Runtime Interface Emulator and under localrun's own
Runtime API. A last pair of rows times the worker as it was before its SIGTERM callback exited
(it only logged, so the emulator waited about 600 ms before killing it).

    .venv/bin/python scripts/measure_invoke.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from plumbum import local

ROOT = Path(__file__).resolve().parents[1]
COPIER = local[str(Path(sys.executable).with_name("copier"))]

HELLO = """package main

import "github.com/aws/aws-lambda-go/lambda"

func main() { lambda.Start(func() (string, error) { return "hello", nil }) }
"""
EXITING_CALLBACK = "lambda.WithEnableSIGTERM(shutdown)"
LOGGING_CALLBACK = 'lambda.WithEnableSIGTERM(func() { slog.Info("shutting down") })'


def build(project: Path, name: str) -> None:
    with local.cwd(project), local.env(CGO_ENABLED="0"):
        local["go"]["build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc"]["-ldflags=-s -w"][
            "-o", f"build/local/{name}/bootstrap", f"./cmd/{name}"
        ]()


def median_ms(project: Path, runtime: str, name: str, runs: int) -> float:
    """Median wall time of `localrun invoke` (start the runner, invoke once, stop), in ms."""
    invoke = local[str(project / ".tools/localrun")][
        "invoke", "-runtime", runtime, "-rie", ".tools/aws-lambda-rie", "-fn", "worker",
        "-bootstrap", f"build/local/{name}/bootstrap", "-event", "events/worker/input.json",
    ]  # fmt: skip
    times = []
    with local.cwd(project):
        for _ in range(runs):
            started = time.monotonic()
            invoke()
            times.append((time.monotonic() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "measure"
        COPIER[
            "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", "-d", "iac=none", "-d", "aws_services=[]",
            "-d", "example_crud=false", "-d", "functions=[{name: worker, event: direct}]", str(ROOT), str(project),
        ]()  # fmt: skip
        (project / "cmd/hello").mkdir()
        (project / "cmd/hello/main.go").write_text(HELLO)
        with local.cwd(project):
            local["make"]["--no-print-directory", "invoke", "FN=worker"]()  # installs the emulator and localrun
        build(project, "hello")
        main_go = project / "cmd/worker/main.go"
        source = main_go.read_text()
        assert EXITING_CALLBACK in source, "the worker's SIGTERM callback changed: update this script"
        main_go.write_text(source.replace(EXITING_CALLBACK, LOGGING_CALLBACK))
        build(project, "worker")
        (project / "build/local/worker/bootstrap").rename(project / "build/local/logging-only")
        (project / "build/local/worker-logging-only").mkdir()
        (project / "build/local/logging-only").rename(project / "build/local/worker-logging-only/bootstrap")
        main_go.write_text(source)
        build(project, "worker")

        print("| runner | bootstrap | median wall time of localrun invoke |")
        print("|---|---|---|")
        for runtime in ("rie", "builtin"):
            for name in ("hello", "worker", "worker-logging-only"):
                print(f"| {runtime} | {name} | {median_ms(project, runtime, name, args.runs):.0f} ms |")


if __name__ == "__main__":
    main()
