#!/usr/bin/env bash
# Runs the test suite under a sanitizer, in a build folder of its own (.build-<sanitizer>).
# Usage: sanitize/run.sh address|thread [test filter]
# The suppression files name only system libraries and dependencies, each with its reason.
# Tests that measure time (timeouts, coalescing windows) can fail under a sanitizer's slowdown when
# the whole suite runs at once; pass a filter to run the logic-heavy suites only (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?usage: sanitize/run.sh address|thread [filter]}"
filter="${2:-}"
scratch=".build-${sanitizer}"
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
export ASAN_OPTIONS="suppressions=$PWD/sanitize/asan.supp"
export LSAN_OPTIONS="suppressions=$PWD/sanitize/lsan.supp"
export TSAN_OPTIONS="halt_on_error=1"
args=(--skip-build --sanitize="$sanitizer" --scratch-path "$scratch")
[ -n "$filter" ] && args+=(--filter "$filter")
swift test "${args[@]}"
