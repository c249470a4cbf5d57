#!/usr/bin/env bash
# Builds the catalog-part fixture loaders into <repo>/build/parts/.
# Usage: bash Tests/Fixtures/PartLoaders/build.sh   (from any directory)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
OUT="$ROOT/build/parts"
OBJ="$OUT/obj"
CLANG="${CLANG:-/opt/swift/usr/bin/clang}"
LLD="${LLD:-/opt/swift/usr/bin/ld.lld}"

CFLAGS=(-target armv7em-none-none-eabi -mthumb -Os -ffreestanding -fno-builtin -mfloat-abi=soft
        -ffunction-sections -fdata-sections -fno-stack-protector -nostdlib -std=c11 -Wall -Wextra -Werror)
LDFLAGS=(--gc-sections -z max-page-size=0x100 -T "$HERE/../BrokenLoaders/loader.ld"
         -u Init -u Write -u SectorErase -u MassErase -u Verify -u CheckSum)

# name | part | extra -D flags (comma-separated) | source (loader.c when empty)
VARIANTS=(
  "w25q512jv_ok|PART_W25Q512JV|"
  "w25q512jv_qe_sr1_only|PART_W25Q512JV|BUG_QE_SR1_ONLY"
  "w25q512jv_software_poll|PART_W25Q512JV|SOFTWARE_POLL"
  "w25q512jv_dual_crossport|PART_W25Q512JV|WIRING_DUAL"
  "w25q512jv_dual_iol_only|PART_W25Q512JV|WIRING_DUAL,WIRING_DUAL_IOL_ONLY"
  "w25q512jv_dual_quad_program|PART_W25Q512JV|WIRING_DUAL,WIRING_DUAL_QUAD_PROGRAM"
  "mt25ql512abb_ok|PART_MT25QL512ABB|"
  "mt25ql512abb_fsr_ignored|PART_MT25QL512ABB|BUG_FSR_IGNORED"
  "mx25lm51245g_u5a9_ok|PART_MX25LM51245G||octal.c"
  "mx25lm51245g_u5a9_str_dummy|PART_MX25LM51245G|BUG_STR_DUMMY|octal.c"
)

mkdir -p "$OUT" "$OBJ"
for entry in "${VARIANTS[@]}"; do
  IFS='|' read -r name part flag source <<<"$entry"
  defs=(-DDEVICE_NAME="\"$name\"" -D"$part")
  if [[ -n "$flag" ]]; then IFS=',' read -ra flags <<<"$flag"; for f in "${flags[@]}"; do defs+=(-D"$f"); done; fi
  "$CLANG" "${CFLAGS[@]}" "${defs[@]}" -c "$HERE/${source:-loader.c}" -o "$OBJ/$name.o"
  "$LLD" "${LDFLAGS[@]}" "$OBJ/$name.o" -o "$OUT/$name.stldr"
  echo "built $OUT/$name.stldr"
done
