#!/usr/bin/env bash
# Builds the HAL-based test loaders into <repo>/build/hal/*.stldr with Debian's
# arm-none-eabi-gcc against STM32CubeU5 HAL v1.6.3 in ../shared/vendor/stm32u5
# (test inputs, never shipped). Skips, exit 0, when either is missing.
# Usage: bash Tests/Fixtures/HALLoaders/build.sh   (from any directory)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
VENDOR="${STM32U5_VENDOR:-$ROOT/../shared/vendor/stm32u5}"
OUT="$ROOT/build/hal"
OBJ="$OUT/obj"
CC="${ARM_CC:-arm-none-eabi-gcc}"

if [[ ! -d "$VENDOR/stm32u5xx-hal-driver" ]]; then
  echo "HAL loaders skipped: $VENDOR is absent"
  exit 0
fi
if ! command -v "$CC" >/dev/null; then
  echo "HAL loaders skipped: $CC is not installed (apt-get install gcc-arm-none-eabi)"
  exit 0
fi

HAL="$VENDOR/stm32u5xx-hal-driver"
CFLAGS=(-mcpu=cortex-m33 -mthumb -mfloat-abi=soft -Os -g -ffreestanding -fno-builtin
        -ffunction-sections -fdata-sections -fno-stack-protector -std=gnu11
        -DSTM32U5G7xx -DUSE_HAL_DRIVER -Wall
        -I "$HERE" -I "$HAL/Inc" -I "$VENDOR/cmsis-device-u5/Include" -I "$VENDOR/cmsis-core/Core/Include")
LDFLAGS=(-nostdlib -Wl,--gc-sections -Wl,-z,max-page-size=0x100 -T "$HERE/loader.ld"
         -Wl,-u,Init -Wl,-u,Write -Wl,-u,SectorErase -Wl,-u,MassErase -Wl,-u,Verify -Wl,-u,CheckSum
         -Wl,-u,StorageInfo)
HAL_MODULES=(hal hal_cortex hal_rcc hal_rcc_ex hal_pwr hal_pwr_ex hal_gpio hal_ospi hal_dma hal_dma_ex
             hal_flash hal_flash_ex hal_icache)

# name | -D flags (space separated)
VARIANTS=(
  "hal-msi-4mhz|"
  "hal-pll-160mhz|SYSCLK_PLL160"
  "hal-return-value|SYSCLK_PLL160 HAL_BUG_RETURN_HAL_OK"
  "hal-systick-not-running|SYSCLK_PLL160 HAL_BUG_SYSTICK_IRQ"
  "hal-memory-mapped-active|SYSCLK_PLL160 HAL_BUG_MMAP_NO_ABORT"
  "hal-uninitialized-bss|SYSCLK_PLL160 HAL_BUG_BSS_NOT_ZEROED"
  "hal-clock-order|SYSCLK_PLL160 HAL_BUG_CLOCK_ORDER"
  "hal-hse-pll-160mhz|SYSCLK_PLL160 SYSCLK_FROM_HSE"
  "hal-hse8-pll-160mhz|SYSCLK_PLL160 SYSCLK_FROM_HSE HSE_VALUE=8000000U"
)

mkdir -p "$OBJ"
# The HAL and the system file are the same for every variant: build them once.
LIB_OBJS=()
for m in "${HAL_MODULES[@]}"; do
  "$CC" "${CFLAGS[@]}" -w -c "$HAL/Src/stm32u5xx_$m.c" -o "$OBJ/$m.o"
  LIB_OBJS+=("$OBJ/$m.o")
done
"$CC" "${CFLAGS[@]}" -w -c "$VENDOR/cmsis-device-u5/Source/Templates/system_stm32u5xx.c" -o "$OBJ/system.o"
LIB_OBJS+=("$OBJ/system.o")

for entry in "${VARIANTS[@]}"; do
  IFS='|' read -r name flags <<<"$entry"
  defs=(-DDEVICE_NAME="\"$name\"")
  for f in $flags; do defs+=(-D"$f"); done
  "$CC" "${CFLAGS[@]}" -Werror "${defs[@]}" -c "$HERE/hal_loader.c" -o "$OBJ/$name.o"
  objs=("${LIB_OBJS[@]}")
  # A variant with its own HSE_VALUE needs the RCC driver and the system file built with
  # it: they compute SystemCoreClock from it.
  if [[ " $flags " == *" HSE_VALUE="* ]]; then
    objs=()
    for o in "${LIB_OBJS[@]}"; do
      base="$(basename "$o" .o)"
      case "$base" in
        hal_rcc|hal_rcc_ex) "$CC" "${CFLAGS[@]}" -w "${defs[@]}" -c "$HAL/Src/stm32u5xx_$base.c" -o "$OBJ/$name-$base.o"; objs+=("$OBJ/$name-$base.o") ;;
        system) "$CC" "${CFLAGS[@]}" -w "${defs[@]}" -c "$VENDOR/cmsis-device-u5/Source/Templates/system_stm32u5xx.c" -o "$OBJ/$name-system.o"; objs+=("$OBJ/$name-system.o") ;;
        *) objs+=("$o") ;;
      esac
    done
  fi
  "$CC" "${CFLAGS[@]}" "${LDFLAGS[@]}" "$OBJ/$name.o" "${objs[@]}" -lgcc -o "$OUT/$name.stldr"
  echo "built $OUT/$name.stldr"
done
