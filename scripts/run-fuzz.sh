#!/usr/bin/env bash
# Runs a libFuzzer target for a fixed time on the seed corpus (make test-fuzz):
#   scripts/run-fuzz.sh BUILD_DIR/bin/archive_reader_fuzz SECONDS
# New inputs go to BUILD_DIR/fuzz-corpus (the seeds in tests/fuzz/corpus stay as committed);
# a crash leaves its input in BUILD_DIR/fuzz-artifacts/ and fails the run.
set -euo pipefail
target=$1
seconds=${2:-60}
build=$(dirname "$(dirname "$target")")
seeds=$(dirname "$0")/../tests/fuzz/corpus
mkdir -p "$build/fuzz-corpus" "$build/fuzz-artifacts"
# -timeout: one input may not take 10 s (a hang is a bug); -rss_limit_mb bounds memory.
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/" \
  "$build/fuzz-corpus" "$seeds"
