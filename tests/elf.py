"""Just enough ELF parsing to tell what a bootstrap was built for, without running it."""

from __future__ import annotations

import struct
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
