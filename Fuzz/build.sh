#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address; ../shared/notes/toolchain.md)
# into .build/fuzz: each library module as a static archive with coverage and ASan, then one
# executable per target in Fuzz/Targets. Usage: bash Fuzz/build.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build/fuzz
mkdir -p "$OUT"
SAN=(-sanitize=fuzzer,address -O -g -parse-as-library -package-name LoaderLab -swift-version 6 -I "$OUT" -I Sources/CUnicorn -I "$OUT/CUnicornStores" -I "$OUT/CBusWindow")

module() {  # NAME: Sources/NAME/**/*.swift -> $OUT/libNAME.a + NAME.swiftmodule
  local name=$1
  local sources
  mapfile -t sources < <(find "Sources/$name" -name '*.swift' | sort)
  local stamp="$OUT/lib$name.a"
  if [[ -f "$stamp" ]] && [[ -z "$(find "Sources/$name" -name '*.swift' -newer "$stamp")" ]]; then return; fi
  echo "fuzz: module $name"
  swiftc "${SAN[@]}" -module-name "$name" -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
    -emit-library -static -o "$stamp" "${sources[@]}" 2>&1 | grep -v 'Cannot export local symbol' || true
  [[ -f "$stamp" ]]
}

cmodule() {  # NAME: Sources/NAME/*.c -> $OUT/libNAME.a, and a module map for swiftc's import
  local name=$1
  local stamp="$OUT/lib$name.a"
  mkdir -p "$OUT/$name"
  printf 'module %s {\n    header "%s"\n    export *\n}\n' "$name" "$PWD/Sources/$name/include/$name.h" > "$OUT/$name/module.modulemap"
  if [[ -f "$stamp" ]] && [[ -z "$(find "Sources/$name" -newer "$stamp")" ]]; then return; fi
  echo "fuzz: C module $name"
  "$(dirname "$(command -v swiftc)")/clang" -O2 -fPIC -I "Sources/$name/include" -I Sources/CUnicornStores/include -c Sources/$name/*.c -o "$OUT/$name.o"
  ar rcs "$stamp" "$OUT/$name.o"
}

for c in CUnicornStores CBusWindow; do cmodule "$c"; done
for m in VirtualTime ELF NORFlash Board FirmwareImage LoaderFile CortexM STM32U5 Programmer; do module "$m"; done

LIBS=(-L "$OUT" -lProgrammer -lSTM32U5 -lLoaderFile -lBoard -lNORFlash -lCortexM -lCBusWindow -lCUnicornStores -lFirmwareImage -lELF -lVirtualTime -lunicorn -ldl)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(loader image board session)
for t in "${targets[@]}"; do
  src="Fuzz/Targets/$(tr '[:lower:]' '[:upper:]' <<<"${t:0:1}")${t:1}Target.swift"
  echo "fuzz: target $t"
  swiftc "${SAN[@]}" -module-name "Fuzz${t}" "$src" "${LIBS[@]}" -o "$OUT/fuzz-$t" 2>&1 | grep -v 'Cannot export local symbol' || true
  [[ -x "$OUT/fuzz-$t" ]]
done
