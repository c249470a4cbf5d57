#!/usr/bin/env bash
# Runs the fuzz targets at the lowest priority, each for a number of executions, from seed
# corpora made of the repository's own inputs. Crashes land in .build/fuzz/crashes/TARGET/;
# the last libFuzzer status line of each run is appended to .build/fuzz/counts.txt.
# Usage: bash Fuzz/run.sh [target...]   (FUZZ_RUNS, FUZZ_SESSION_RUNS, FUZZ_SECONDS override)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=.build/fuzz
RUNS=${FUZZ_RUNS:-10000000}
SESSION_RUNS=${FUZZ_SESSION_RUNS:-1000000}
SECONDS_LIMIT=${FUZZ_SECONDS:-0}

seed() {  # TARGET: fill $OUT/corpus/TARGET from the repository's inputs (once)
  local t=$1 dir="$OUT/corpus/$1"
  mkdir -p "$dir" "$OUT/crashes/$t"
  [[ -n "$(ls -A "$dir")" ]] && return
  case $t in
    loader|session)
      cp build/*.stldr "$dir/" 2>/dev/null || true
      [[ $t == loader ]] && cp build/broken/*.stldr "$dir/" 2>/dev/null || true ;;
    image)
      printf '\000:10000000000102030405060708090A0B0C0D0E0F78\n:020000040800F2\n:0400000512345678E3\n:00000001FF\n' > "$dir/hex"
      printf '\001S00600004844521B\nS1070000DEADBEEFC0\nS2080100000102030406\nS5030001FB\nS9030000FC\n' > "$dir/srec" ;;
    board) cp Boards/*.json "$dir/" ;;
  esac
}

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(loader image board session)
for t in "${targets[@]}"; do
  seed "$t"
  runs=$RUNS
  [[ $t == session ]] && runs=$SESSION_RUNS
  timeout=30; [[ $t == session ]] && timeout=300  # a session under ASan on a shared machine: slow, not stuck
  # -detect_leaks=0: LeakSanitizer reports the once-initialised static key table of the board
  # pass (an indirect enum, boxed) at exit; it is built once per process, not per input.
  # libFuzzer's flag stops the per-input check only: ASAN_OPTIONS stops the one at exit, which
  # otherwise turns a clean 10 M-run into exit 1 and an empty "crash" file.
  args=(-detect_leaks=0 -runs="$runs" -artifact_prefix="$OUT/crashes/$t/" -print_final_stats=1 -rss_limit_mb=2048 -timeout=$timeout -max_len=65536)
  [[ $SECONDS_LIMIT -gt 0 ]] && args+=(-max_total_time="$SECONDS_LIMIT")
  [[ $t == board ]] && args+=(-max_len=4096 -dict=Fuzz/board.dict)
  echo "fuzz: $t (${runs} runs)"
  ASAN_OPTIONS=detect_leaks=0 nice -n 19 "$OUT/fuzz-$t" "${args[@]}" "$OUT/corpus/$t" > "$OUT/$t.log" 2>&1
  status=$?
  echo "$(date -u +%FT%TZ) $t exit=$status $(grep -E '^(#[0-9]+|Done)' "$OUT/$t.log" | tail -1) $(grep -E 'stat::number_of_executed_units' "$OUT/$t.log")" >> "$OUT/counts.txt"
done
