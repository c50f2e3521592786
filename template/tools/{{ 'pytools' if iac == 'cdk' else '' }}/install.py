"""Install a pinned Python tool (checkov for `make scan`, moto for AWS=local) once per machine.

The Makefile runs it with the python3 the tool needs:

    python3 tools/pytools/install.py ~/.cache/go-lambda-tools/checkov-3.3.30 checkov==3.3.30

Each tool and version gets a virtual environment of its own under PYTHON_TOOLS_DIR, shared by every
project on the machine: the two are about 300 MB each, and installing one takes half a minute.
A file `installed` in the environment marks it complete; the Makefile depends on that file. Two
makes installing the same tool at once (two projects, or make -j) take turns on a lock beside the
environment: the second finds the first's work done. An interrupted install leaves no marker, so
the next run starts it again from scratch. Runs on Python 3.9 (the macOS system Python) and later.
"""

from __future__ import annotations

import argparse
import fcntl
import shutil
import subprocess
import sys
import venv
from pathlib import Path

MARKER = "installed"


def install(environment: Path, requirements: list[str]) -> None:
    environment.parent.mkdir(parents=True, exist_ok=True)
    with open(environment.with_name(environment.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process ends
        marker = environment / MARKER
        if marker.is_file():
            return
        if sys.stderr.isatty():
            print(f"installing {' '.join(requirements)} into {environment}", file=sys.stderr)
        shutil.rmtree(environment, ignore_errors=True)  # what an interrupted install left
        venv.create(environment, with_pip=True)
        pip = [str(environment / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, *requirements], check=True, stdout=sys.stderr)
        marker.write_text(" ".join(requirements) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("environment", type=Path, help="the virtual environment's directory")
    parser.add_argument("requirement", nargs="+", help="what pip installs, pinned (name==version)")
    args = parser.parse_args()
    try:
        install(args.environment, args.requirement)
    except subprocess.CalledProcessError as error:
        sys.exit(f"pip could not install {' '.join(args.requirement)} (exit {error.returncode}); output above")


if __name__ == "__main__":
    main()
