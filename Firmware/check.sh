#!/usr/bin/env bash
# Static checks of build/IS25LP512M_STM32U5G7.stldr and build/MX25LM51245G_STM32U5A9.stldr (or the
# loader given) with the Swift toolchain's own LLVM tools:
# the CubeProgrammer layout (two PT_LOAD: code at 0x20000004 RWX, StorageInfo alone R), the
# exported symbols, no undefined symbol, no VFP instruction, no `cpsie`, the 200 StorageInfo
# bytes and the BoardConfig block (dumped). Prints what it checks; exits non-zero on the first failure.
set -euo pipefail
FIRMWARE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -eq 0 ]; then
  # Both images build.sh writes: the quad build and the quad+octal build.
  for image in IS25LP512M_STM32U5G7 MX25LM51245G_STM32U5A9; do
    echo "== $image.stldr"
    bash "$FIRMWARE_DIR/check.sh" "$FIRMWARE_DIR/../build/$image.stldr"
  done
  exit 0
fi
LOADER="$1"
SWIFT="$(command -v swift || echo /opt/swift/usr/bin/swift)"
BIN="$(cd "$(dirname "$(readlink -f "$SWIFT")")" && pwd)"
OBJDUMP="$BIN/llvm-objdump"; NM="$BIN/llvm-nm"; OBJCOPY="$BIN/llvm-objcopy"
fail() { echo "check.sh: FAIL: $*" >&2; exit 1; }
[ -f "$LOADER" ] || fail "$LOADER not found (run Firmware/build.sh)"

headers="$("$OBJDUMP" -p "$LOADER")"
[ "$(grep -c '^ *LOAD ' <<<"$headers")" = 2 ] || fail "expected exactly two PT_LOAD segments"
grep -A1 'LOAD off .* vaddr 0x20000004 ' <<<"$headers" | grep -q 'flags rwx' || fail "code segment at 0x20000004 (rwx) missing"
grep -A1 '^ *LOAD ' <<<"$headers" | grep -q 'filesz 0x000000c8 memsz 0x000000c8 flags r--' || fail "R-only 200-byte StorageInfo segment missing"
echo "ok: two PT_LOAD segments (code at 0x20000004 rwx, StorageInfo r--)"

symbols="$("$NM" -S --defined-only "$LOADER")"
grep -Eq '^[0-9a-f]+ 000000c8 R StorageInfo$' <<<"$symbols" || fail "StorageInfo (200-byte object) missing"
grep -Eq '^[0-9a-f]+ 00000050 R BoardConfig$' <<<"$symbols" || fail "BoardConfig (80-byte object) missing"
for f in Init Write SectorErase MassErase Read Verify CheckSum; do
  grep -Eq "^[0-9a-f]+ [0-9a-f]+ T $f\$" <<<"$symbols" || fail "function $f missing"
done
echo "ok: StorageInfo, BoardConfig, Init, Write, SectorErase, MassErase, Read, Verify, CheckSum"
[ -z "$("$NM" -u "$LOADER")" ] || fail "undefined symbols: $("$NM" -u "$LOADER" | tr '\n' ' ')"
echo "ok: no undefined symbol"

disassembly="$("$OBJDUMP" -d --no-show-raw-insn "$LOADER")"
if grep -Eq $'\t(v[a-z]+(\\.[a-z0-9]+)*|vpush|vpop)\t' <<<"$disassembly"; then fail "VFP instructions present"; fi
if grep -q $'\tcpsie' <<<"$disassembly"; then fail "cpsie present"; fi
echo "ok: no VFP instruction, no cpsie"

tmp="$(mktemp)"; trap 'rm -f "$tmp"' EXIT
"$OBJCOPY" -O binary --only-section=.Dev_info "$LOADER" "$tmp"
[ "$(wc -c <"$tmp")" = 200 ] || fail ".Dev_info is not 200 bytes"
echo "StorageInfo:"; od -A x -t x1 "$tmp"
"$OBJCOPY" -O binary --only-section=.board_config "$LOADER" "$tmp"
echo "BoardConfig:"; od -A x -t x1 "$tmp"
