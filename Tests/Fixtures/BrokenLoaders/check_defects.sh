#!/usr/bin/env bash
# Static evidence that each variant carries its defect (and the baseline does not).
# Run after build.sh. Prints one line per check; exits 1 if any check fails.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
B="$(cd "$HERE/../../.." && pwd)/build/broken"
OBJDUMP="/opt/swift/usr/bin/llvm-objdump --no-show-raw-insn --mattr=+fp-armv8d16sp -d"
fail=0
dis() { $OBJDUMP "$B/$1.stldr"; }
fn() { dis "$1" | awk -v f="<$2>:" '$2==f{p=1;next} p&&/^$/{exit} p'; }
check() { # name description command...
  local name="$1" what="$2"; shift 2
  if "$@" >/dev/null 2>&1; then echo "ok   $name: $what"; else echo "FAIL $name: $what"; fail=1; fi
}
has() { grep -qE "$1"; }
check ok_c_baseline "no VFP, no cpsie, no SysTick/VTOR access" bash -c "! $OBJDUMP $B/ok_c_baseline.stldr | grep -qE '\sv(ldr|str|cvt|div|push|pop)|cpsie|#0xe010|#0xed08'"
check fpu-disabled "VFP instructions in Init, e_flags hard-float" bash -c "$OBJDUMP $B/fpu-disabled.stldr | awk '/<Init>:/,/^\$/' | grep -qE 'vcvt|vdiv' && readelf -h $B/fpu-disabled.stldr | grep -q 0x5000400"
check unexpected-exception "cpsie i and VTOR (0xe000ed08) write" bash -c "$OBJDUMP $B/unexpected-exception.stldr | grep -q 'cpsie' && $OBJDUMP $B/unexpected-exception.stldr | grep -q '#0xed08'"
check systick-not-running "polls SYST_CSR, never writes ENABLE" bash -c "$OBJDUMP $B/systick-not-running.stldr | grep -q '#0xe010'"
check stack-overflow "Write frame > 2 KiB" bash -c "$OBJDUMP $B/stack-overflow.stldr | awk '/<Write>:/,/^\$/' | grep -qE 'subw\s+sp, sp, #0x(8[0-9a-f]{2}|[9a-f][0-9a-f]{2}|[0-9a-f]{4,})'"
check stack-smash "line at sp+12 under a 9-register push + sub sp,#28" bash -c "$OBJDUMP $B/stack-smash.stldr | awk '/<Write>:/,/^\$/' | head -4 | tr '\n' ' ' | grep -qE 'push.w\s+\{r4, r5, r6, r7, r8, r9, r10, r11, lr\}.*sub\s+sp, #0x1c'"
check uninitialized-bss "Init has no __bss loop (baseline has)" bash -c "[ \$($OBJDUMP $B/uninitialized-bss.stldr | awk '/<Init>:/,/^\$/' | wc -l) -lt \$($OBJDUMP $B/ok_c_baseline.stldr | awk '/<Init>:/,/^\$/' | wc -l) ]"
check storageinfo-layout "StorageInfo is 136 bytes" bash -c "readelf -s $B/storageinfo-layout.stldr | grep -qE ' 136 OBJECT +GLOBAL .* StorageInfo'"
check storageinfo-missing "no StorageInfo symbol" bash -c "! readelf -s $B/storageinfo-missing.stldr | grep -q StorageInfo"
for n in ok_c_baseline return-value memory-mapped-active page-boundary address-width; do
  check "$n" "StorageInfo is 200 bytes" bash -c "readelf -s $B/$n.stldr | grep -qE ' 200 OBJECT +GLOBAL .* StorageInfo'"
done
exit $fail
