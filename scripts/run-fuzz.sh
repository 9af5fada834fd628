#!/usr/bin/env bash
# Runs a libFuzzer target for a fixed time on the seed corpus (make test-fuzz):
#   scripts/run-fuzz.sh BUILD_DIR/bin/TARGET SECONDS
# Seeds: tests/fuzz/corpus (valid and hand-broken archives), which stay as committed: new inputs
# go to BUILD_DIR/fuzz-corpus/TARGET; a crash leaves its input in BUILD_DIR/fuzz-artifacts/ and
# fails the run (add it to the hand-broken cases of tests/cpp/api/api_test.cpp once fixed).
set -euo pipefail
target=$1
seconds=${2:-60}
build=$(dirname "$(dirname "$target")")
name=$(basename "$target")
fuzz=$(dirname "$0")/../tests/fuzz
mkdir -p "$build/fuzz-corpus/$name" "$build/fuzz-artifacts"
# LeakSanitizer skips the process-lifetime allocations listed in tests/fuzz/lsan.supp.
export LSAN_OPTIONS="suppressions=$(cd "$fuzz" && pwd)/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# -timeout: one input may not take 10 s (a hang is a bug); -rss_limit_mb bounds memory.
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/" \
  "$build/fuzz-corpus/$name" "$fuzz/corpus"
