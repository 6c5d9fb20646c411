#!/usr/bin/env bash
# Fuzzes the request-parsing boundary with libFuzzer (+ AddressSanitizer): the XML and JSON readers and
# DTO codecs, path classification, negotiation, query strings, GUIDs and Idempotency-Key values; and the
# RESP decoder that reads what a Redis store sends.
# The targets are compiled straight from Sources/Gateway/Wire and Sources/Gateway/Store/Redis/RESP.swift
# (pure code, no package dependencies), so a pass needs no second package build. Crashes are written to
# fuzz/out/ and fail the run.
# Usage: fuzz/run.sh [seconds per target] [target...]   (targets: xml json request resp; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(xml json request resp)
out="fuzz/out"
mkdir -p "$out"
sources=()
while IFS= read -r file; do sources+=("$file"); done < <(find Sources/Gateway/Wire -name '*.swift' ! -name 'ResendBinder.swift' | sort)
sources+=(Sources/Gateway/Config/ConfigEnums.swift Sources/Gateway/Config/Duration+Units.swift)

for target in "${targets[@]}"; do
    case "$target" in
        resp) target_sources=(Sources/Gateway/Store/Redis/RESP.swift) ;;
        *) target_sources=("${sources[@]}") ;;
    esac
    # (gold's "Cannot export local symbol __asan_…" notes are harmless and filtered out)
    swiftc -sanitize=fuzzer,address -parse-as-library -O "${target_sources[@]}" "fuzz/targets/$target.swift" -o "$out/fuzz-$target" 2>&1 \
        | { grep -v "Cannot export local symbol" || true; }
    corpus="$out/corpus-$target"
    mkdir -p "$corpus"
    cp fuzz/corpus/"$target"/* "$corpus"/
    echo "fuzzing $target for ${seconds}s"
    # The Swift backtracer would read freed memory after a trap and bury the real message under ASan's.
    if ! SWIFT_BACKTRACE=enable=no "$out/fuzz-$target" -max_total_time="$seconds" -max_len=8192 -timeout=5 -rss_limit_mb=2048 \
        -artifact_prefix="$out/$target-" -print_final_stats=1 "$corpus" > "$out/$target.log" 2>&1; then
        tail -40 "$out/$target.log"
        echo "fuzz target $target failed; the input is in $out/" >&2
        exit 1
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$out/$target.log" | tr '\n' ' '
    echo
done
