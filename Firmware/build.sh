#!/usr/bin/env bash
# Builds the loader: build/IS25LP512M_STM32U5G7.stldr (quad parts) and
# build/MX25LM51245G_STM32U5A9.stldr (quad and octal parts) at the repository root.
#
# Needs only the Swift toolchain (swift, and the ld.lld beside it): Embedded Swift compiles
# the static library, ld.lld links it with Firmware/loader.ld. Works from any directory;
# scratch files go to Firmware/.build. Incremental: SwiftPM rebuilds nothing when nothing
# changed, and the link is skipped when the .stldr is newer than its inputs.
set -euo pipefail

FIRMWARE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$FIRMWARE_DIR/.." && pwd)"
SCRATCH="$FIRMWARE_DIR/.build"
TRIPLE=armv7em-none-none-eabi
STEM=IS25LP512M_STM32U5G7
OCTAL_STEM=MX25LM51245G_STM32U5A9
OUTPUT_DIR="$ROOT_DIR/build"
SCRIPT="$FIRMWARE_DIR/loader.ld"

SWIFT="${SWIFT:-$(command -v swift || true)}"
if [ -z "$SWIFT" ] && [ -x /opt/swift/usr/bin/swift ]; then SWIFT=/opt/swift/usr/bin/swift; fi
if [ -z "$SWIFT" ]; then
  echo "build.sh: swift not found (PATH or /opt/swift/usr/bin); install a Swift 6.x toolchain with Embedded Swift" >&2
  exit 1
fi
TOOLCHAIN_BIN="$(cd "$(dirname "$(readlink -f "$SWIFT")")" && pwd)"
LLD="$TOOLCHAIN_BIN/ld.lld"
if [ ! -x "$LLD" ]; then
  echo "build.sh: $LLD not found; the Swift toolchain's own ld.lld is needed" >&2
  exit 1
fi

# Two images, each built once: the quad build (8 KiB budget) and the quad+octal build
# (Swift condition OCTAL, 10 KiB budget; its default BoardConfig is the built-in board
# stm32u5a9-mx25lm51245g). `loaderlab make-loader` picks the base by the board's part.
build_variant() {
  local stem="$1" scratch="$2" budget="$3" reserve="$4"; shift 4
  local output="$OUTPUT_DIR/$stem.stldr"
  "$SWIFT" build --package-path "$FIRMWARE_DIR" --scratch-path "$scratch" \
    -c release --triple "$TRIPLE" --product Loader "$@" 2>&1 | { grep -v -E '^(Building for production|\[[0-9]+/[0-9]+\] |Build of product .* complete)' || true; }
  local library="$scratch/$TRIPLE/release/libLoader.a"
  [ -f "$library" ] || { echo "build.sh: $library was not produced" >&2; exit 1; }

  mkdir -p "$OUTPUT_DIR"
  if [ -f "$output" ] && [ "$output" -nt "$library" ] && [ "$output" -nt "$SCRIPT" ] && [ "$output" -nt "$0" ]; then
    echo "build.sh: $output is up to date"
    return 0
  fi

  # Every entry point is a GC root (-u); StorageInfo and BoardConfig are KEEP in the script.
  "$LLD" -T "$SCRIPT" --gc-sections --strip-debug --no-undefined -nostdlib \
    -u Init -u Write -u SectorErase -u MassErase -u Read -u Verify -u CheckSum \
    -u StorageInfo -u BoardConfig \
    --defsym=__loader_ram_budget="$budget" --defsym=__loader_stack_reserve="$reserve" \
    "$library" \
    -z max-page-size=4 \
    -Map "$scratch/$stem.map" \
    -o "$output.tmp"
  mv "$output.tmp" "$output"
  echo "build.sh: wrote $output"
}

build_variant "$STEM" "$SCRATCH" 0x2000 0x130
build_variant "$OCTAL_STEM" "$FIRMWARE_DIR/.build-octal" 0x2800 0x180 -Xswiftc -DOCTAL
