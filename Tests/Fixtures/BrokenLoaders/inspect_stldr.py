#!/usr/bin/env python3
"""Summarise .stldr files: segments, entry points, StorageInfo fields.

Usage: python3 inspect_stldr.py build/broken/*.stldr
Checks what the corpus promises: DeviceName == file stem, StorageInfo size,
entry points present. Exit status 1 if a baseline-contract check fails for a
variant that is not meant to break it (storageinfo-layout / -missing are)."""
import os
import struct
import sys

ENTRY_POINTS = ["Init", "Write", "SectorErase", "MassErase", "Verify", "CheckSum"]


def parse(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise ValueError(f"{path}: not ELF32 LE")
    (e_type, e_machine, _, e_entry, e_phoff, e_shoff, e_flags, _, e_phentsize,
     e_phnum, e_shentsize, e_shnum, _) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
    phdrs = [struct.unpack_from("<IIIIIIII", data, e_phoff + i * e_phentsize) for i in range(e_phnum)]
    shdrs = [struct.unpack_from("<IIIIIIIIII", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    symbols = {}
    for sh in shdrs:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        strtab = shdrs[sh[6]]
        for off in range(sh[4], sh[4] + sh[5], 16):
            name_off, value, size, info, _, shndx = struct.unpack_from("<IIIBBH", data, off)
            end = data.index(b"\0", strtab[4] + name_off)
            name = data[strtab[4] + name_off:end].decode()
            if name and (info >> 4) == 1:  # STB_GLOBAL
                symbols[name] = (value, size, info & 0xF)
    return data, e_type, e_machine, e_entry, e_flags, phdrs, symbols


def read_va(data, phdrs, va, size):
    for (p_type, off, vaddr, _, filesz, _, _, _) in phdrs:
        if p_type == 1 and vaddr <= va and va + size <= vaddr + filesz:
            return data[off + va - vaddr: off + va - vaddr + size]
    return None


def main(paths):
    status = 0
    for path in paths:
        stem = os.path.splitext(os.path.basename(path))[0]
        data, e_type, e_machine, e_entry, e_flags, phdrs, symbols = parse(path)
        loads = [p for p in phdrs if p[0] == 1]
        code = loads[0]
        print(f"{stem}: e_flags=0x{e_flags:08x} entry=0x{e_entry:08x} "
              f"code@0x{code[2]:08x} filesz={code[4]} memsz={code[5]} "
              f"MSP(host)=0x{code[2] + code[4] + 0x3FC:08x}")
        missing = [e for e in ENTRY_POINTS if e not in symbols or symbols[e][2] != 2 or not symbols[e][0] & 1]
        print(f"  entry points: {'all present (Thumb FUNC)' if not missing else 'MISSING ' + ','.join(missing)}")
        problems = list(missing)
        si = symbols.get("StorageInfo")
        if si is None:
            print("  StorageInfo: no symbol")
            problems.append("no StorageInfo")
        else:
            raw = read_va(data, phdrs, si[0], si[1])
            name = raw[:100].split(b"\0")[0].decode("latin-1")
            dtype, start, size, page, erase = struct.unpack_from("<H2xIIIB", raw, 100)
            sectors = []
            for off in range(120, si[1], 8):
                n, s = struct.unpack_from("<II", raw, off)
                sectors.append((n, s))
                if (n, s) == (0, 0):
                    break
            print(f"  StorageInfo @0x{si[0]:08x} size={si[1]} name='{name}' type={dtype} "
                  f"start=0x{start:08x} size=0x{size:x} page=0x{page:x} erase=0x{erase:02x} "
                  f"sectors={[(n, hex(s)) for n, s in sectors]}")
            if si[1] != 200:
                problems.append(f"StorageInfo size {si[1]}")
            if name != stem:
                problems.append("DeviceName != file stem")
        expected_broken = stem in ("storageinfo-layout", "storageinfo-missing")
        if problems and not expected_broken:
            print(f"  PROBLEM: {problems}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
