"""Bootstrap sizes and generation time, per event kind: the figures release notes quote.

Run by maintainers (`make measure`), not by the test suite: sizes and timings are measured, never
asserted. For every kind of the catalogue it generates one project from this checkout holding
one function of that kind (no AWS services, so each figure is the kind's own cost), times
`copier copy` with its tasks, runs `make build` and reports each bootstrap's size, raw and as the
zip -9 that Lambda stores. A last row generates every kind together with the users example.

    .venv/bin/python scripts/measure.py [--kinds sqs,s3] [--architecture x86_64]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from plumbum import local

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extensions.events import CATALOGUE  # noqa: E402

COPIER = local[str(Path(sys.executable).with_name("copier"))]


def zipped_size(path: Path) -> int:
    """Size of the deployment zip Lambda stores: the bootstrap alone, deflated at level 9."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.write(path, "bootstrap")
    return len(buffer.getvalue())


def generate(destination: Path, answers: dict[str, object]) -> float:
    """`copier copy` with tasks (gofmt, go mod tidy); returns its wall time in seconds."""
    # -d values are parsed as YAML, so JSON serves for lists and booleans; strings go as they are.
    data = [
        arg
        for key, value in answers.items()
        for arg in ("-d", f"{key}={value if isinstance(value, str) else json.dumps(value)}")
    ]
    started = time.monotonic()
    COPIER["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", *data, str(ROOT), str(destination)]()
    return time.monotonic() - started


def measure(label: str, destination: Path, answers: dict[str, object]) -> None:
    seconds = generate(destination, answers)
    with local.cwd(destination):
        local["make"]["build"]()
    for bootstrap in sorted(destination.glob("build/*/bootstrap")):
        size = bootstrap.stat().st_size
        print(f"| {label} | {bootstrap.parent.name} | {size:,} | {zipped_size(bootstrap):,} | {seconds:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join(CATALOGUE), help="comma-separated kinds (default: all)")
    parser.add_argument("--architecture", default="arm64", choices=["arm64", "x86_64"])
    args = parser.parse_args()
    kinds = [key for key in args.kinds.split(",") if key]
    unknown = [key for key in kinds if key not in CATALOGUE]
    if unknown:
        parser.error(f"unknown kinds {unknown}; known: {', '.join(CATALOGUE)}")

    print(f"| kind | function | bootstrap bytes ({args.architecture}) | zip -9 bytes | copier copy |")
    print("|---|---|---|---|---|")
    # An alb function serves HTTPS and needs a certificate answer; any valid one will do here.
    certificate = {"alb_certificate": "arn:aws:acm:us-east-1:123456789012:certificate/measure"}
    with tempfile.TemporaryDirectory(prefix="measure-") as tmp:
        for key in kinds:
            functions = [{"name": CATALOGUE[key].default_name, "event": key}]
            answers = {"functions": functions, "aws_services": [], "example_crud": False, **certificate}
            measure(key, Path(tmp) / key, {**answers, "architecture": args.architecture})
        every = [{"name": CATALOGUE[key].default_name, "event": key} for key in CATALOGUE]
        answers = {"functions": every, "aws_services": ["dynamodb"], "example_crud": True, **certificate}
        measure("every kind, users example", Path(tmp) / "every-kind", {**answers, "architecture": args.architecture})


if __name__ == "__main__":
    main()
