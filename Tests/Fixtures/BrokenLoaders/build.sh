#!/usr/bin/env bash
# Builds the LoaderLab broken-loader corpus into <repo>/build/broken/.
# Usage: bash Tests/Fixtures/BrokenLoaders/build.sh   (from any directory)
# Every variant is loader.c with one -DBUG_* flag; DeviceName = file stem.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
OUT="$ROOT/build/broken"
OBJ="$OUT/obj"
CLANG="${CLANG:-/opt/swift/usr/bin/clang}"
LLD="${LLD:-/opt/swift/usr/bin/ld.lld}"

CFLAGS=(-target armv7em-none-none-eabi -mthumb -Os -ffreestanding -fno-builtin
        -ffunction-sections -fdata-sections -fno-stack-protector -nostdlib
        -std=c11 -Wall -Wextra -Werror)
SOFT=(-mfloat-abi=soft)
HARD=(-mfloat-abi=hard -mfpu=fpv5-sp-d16)
LDFLAGS=(--gc-sections -z max-page-size=0x100 -T "$HERE/loader.ld"
         -u Init -u Write -u SectorErase -u MassErase -u Verify -u CheckSum)

# name | extra -D flag | float ABI
VARIANTS=(
  "ok_c_baseline||soft"
  "return-value|BUG_RETURN_VALUE|soft"
  "memory-mapped-active|BUG_MMP_ACTIVE|soft"
  "systick-not-running|BUG_SYSTICK_NOT_RUNNING|soft"
  "fpu-disabled|BUG_FPU_DISABLED|hard"
  "unexpected-exception|BUG_UNEXPECTED_EXCEPTION|soft"
  "stack-overflow|BUG_STACK_OVERFLOW|soft"
  "uninitialized-bss|BUG_UNINIT_BSS|soft"
  "page-boundary|BUG_PAGE_BOUNDARY|soft"
  "address-width|BUG_ADDRESS_WIDTH|soft"
  "write-not-enabled|BUG_WRITE_NOT_ENABLED|soft"
  "flash-busy|BUG_FLASH_BUSY|soft"
  "quad-not-enabled|BUG_QUAD_NOT_ENABLED|soft"
  "dummy-cycles|BUG_DUMMY_CYCLES|soft"
  "peripheral-clock-disabled|BUG_CLOCK_DISABLED|soft"
  "pins-not-routed|BUG_PINS_NOT_ROUTED|soft"
  "timeout|BUG_TIMEOUT|soft"
  "collateral-damage|BUG_COLLATERAL|soft"
  "verify-mismatch|BUG_VERIFY_MISMATCH|soft"
  "storageinfo-layout|BUG_SI_LAYOUT|soft"
  "storageinfo-missing|BUG_SI_MISSING|soft"
  "loops-forever|BUG_LOOPS_FOREVER|soft"
  "hard-fault|BUG_HARD_FAULT|soft"
  "stack-smash|BUG_STACK_SMASH|soft"
  "garbage-return|BUG_GARBAGE_RETURN|soft"
)

mkdir -p "$OUT" "$OBJ"
for entry in "${VARIANTS[@]}"; do
  IFS='|' read -r name flag abi <<<"$entry"
  defs=(-DDEVICE_NAME="\"$name\"")
  [[ -n "$flag" ]] && defs+=(-D"$flag")
  if [[ "$abi" == hard ]]; then fl=("${HARD[@]}"); else fl=("${SOFT[@]}"); fi
  "$CLANG" "${CFLAGS[@]}" "${fl[@]}" "${defs[@]}" -I "$HERE" -c "$HERE/loader.c" -o "$OBJ/$name.o"
  "$LLD" "${LDFLAGS[@]}" "$OBJ/$name.o" -o "$OUT/$name.stldr"
  echo "built $OUT/$name.stldr"
done
