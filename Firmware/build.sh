#!/usr/bin/env bash
# Builds the loader: build/IS25LP512M_STM32U5G7.stldr at the repository root.
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
OUTPUT_DIR="$ROOT_DIR/build"
OUTPUT="$OUTPUT_DIR/$STEM.stldr"
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

"$SWIFT" build --package-path "$FIRMWARE_DIR" --scratch-path "$SCRATCH" \
  -c release --triple "$TRIPLE" --product Loader 2>&1 | { grep -v -E '^(Building for production|\[[0-9]+/[0-9]+\] |Build of product .* complete)' || true; }
LIBRARY="$SCRATCH/$TRIPLE/release/libLoader.a"
[ -f "$LIBRARY" ] || { echo "build.sh: $LIBRARY was not produced" >&2; exit 1; }

mkdir -p "$OUTPUT_DIR"
if [ -f "$OUTPUT" ] && [ "$OUTPUT" -nt "$LIBRARY" ] && [ "$OUTPUT" -nt "$SCRIPT" ] && [ "$OUTPUT" -nt "$0" ]; then
  echo "build.sh: $OUTPUT is up to date"
  exit 0
fi

# Every entry point is a GC root (-u); StorageInfo and BoardConfig are KEEP in the script.
"$LLD" -T "$SCRIPT" --gc-sections --strip-debug --no-undefined -nostdlib \
  -u Init -u Write -u SectorErase -u MassErase -u Read -u Verify -u CheckSum \
  -u StorageInfo -u BoardConfig \
  "$LIBRARY" \
  -z max-page-size=4 \
  -Map "$SCRATCH/$STEM.map" \
  -o "$OUTPUT.tmp"
mv "$OUTPUT.tmp" "$OUTPUT"
echo "build.sh: wrote $OUTPUT"
