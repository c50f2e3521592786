"""Just enough ELF parsing to tell what a bootstrap was built for, without running it."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path
from typing import NamedTuple

MACHINES = {62: "x86_64", 183: "arm64"}
PT_INTERP = 3


class ElfInfo(NamedTuple):
    architecture: str
    static: bool  # no program interpreter: runs on any Lambda OS-only runtime


def read_elf(path: Path) -> ElfInfo:
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF", f"{path} is not an ELF file"
    assert data[4] == 2 and data[5] == 1, f"{path} is not a 64-bit little-endian ELF"
    (machine,) = struct.unpack_from("<H", data, 18)
    (phoff,) = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    types = {struct.unpack_from("<I", data, phoff + i * phentsize)[0] for i in range(phnum)}
    return ElfInfo(MACHINES.get(machine, f"unknown({machine})"), PT_INTERP not in types)


class BuildInfo(NamedTuple):
    modules: set[str]  # the modules linked in (go version -m's dep lines)
    settings: dict[str, str]  # its build lines: -tags, -ldflags, GOARCH...


def read_build_info(path: Path) -> BuildInfo:
    """What `go version -m` reads from a Go binary's build information (kept by -s -w)."""
    done = subprocess.run(["go", "version", "-m", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"go version -m {path}: {done.stderr}"
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    modules = {fields[2] for fields in lines if fields[1:2] == ["dep"]}
    settings = dict(fields[2].split("=", 1) for fields in lines if fields[1:2] == ["build"] and "=" in fields[2])
    return BuildInfo(modules, settings)
