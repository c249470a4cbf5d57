#!/usr/bin/env bash
# Builds the LoaderLab broken-loader corpus into <repo>/build/broken/.
# Usage: bash Tests/Fixtures/BrokenLoaders/build.sh   (from any directory)
# Every loader is loader.c with the defines, compiler, optimisation level and float ABI its
# line in corpus.txt names; DeviceName = file stem unless a define sets DEVICE_NAME.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
OUT="$ROOT/build/broken"
OBJ="$OUT/obj"
CLANG="${CLANG:-/opt/swift/usr/bin/clang}"
GCC="${GCC:-arm-none-eabi-gcc}"
LLD="${LLD:-/opt/swift/usr/bin/ld.lld}"

COMMON=(-ffreestanding -fno-builtin -ffunction-sections -fdata-sections -fno-stack-protector
        -nostdlib -std=c11 -Wall -Wextra -Werror)
CLANG_FLAGS=(-target armv7em-none-none-eabi -mthumb)
# GCC turns copy loops into memcpy calls unless told not to; there is no libc here.
GCC_FLAGS=(-mcpu=cortex-m33 -mthumb -fno-tree-loop-distribute-patterns)
SOFT=(-mfloat-abi=soft)
HARD=(-mfloat-abi=hard -mfpu=fpv5-sp-d16)
LDFLAGS=(--gc-sections -z max-page-size=0x100 -T "$HERE/loader.ld"
         -u Init -u Write -u SectorErase -u MassErase -u Verify -u CheckSum)

build_one() {
  local name=$1 cc=$2 opt=$3 abi=$4 defines=$5
  local defs=() fl cflags compiler
  if [[ "$defines" != *DEVICE_NAME=* ]]; then defs+=(-DDEVICE_NAME="\"$name\""); fi
  if [[ "$defines" != "-" ]]; then
    IFS=',' read -r -a list <<<"$defines"
    for d in "${list[@]}"; do defs+=(-D"$d"); done
  fi
  if [[ "$abi" == hard ]]; then fl=("${HARD[@]}"); else fl=("${SOFT[@]}"); fi
  if [[ "$cc" == gcc ]]; then compiler=$GCC; cflags=("${GCC_FLAGS[@]}"); else compiler=$CLANG; cflags=("${CLANG_FLAGS[@]}"); fi
  "$compiler" "${cflags[@]}" "${COMMON[@]}" "-$opt" "${fl[@]}" "${defs[@]}" -I "$HERE" -c "$HERE/loader.c" -o "$OBJ/$name.o"
  "$LLD" "${LDFLAGS[@]}" "$OBJ/$name.o" -o "$OUT/$name.stldr"
}

mkdir -p "$OUT" "$OBJ"
rm -f "$OBJ"/*.failed
count=0
while read -r name _expect cc opt abi _image _verify defines; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  ( build_one "$name" "$cc" "$opt" "$abi" "$defines" || touch "$OBJ/$name.failed" ) &
  count=$((count + 1))
  # Two at a time: CI has two cores.
  if (( count % 2 == 0 )); then wait; fi
done <"$HERE/corpus.txt"
wait
if compgen -G "$OBJ/*.failed" >/dev/null; then
  echo "failed to build:" "$OBJ"/*.failed >&2
  exit 1
fi
echo "built $count loaders in $OUT"
