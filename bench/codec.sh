#!/usr/bin/env bash
# DTO codec cost: translations per second of the seed's response and request (release build).
# Usage: bench/codec.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product codec-benchmark >/dev/null
"$(swift build -c release --show-bin-path)/codec-benchmark" "${1:-50000}"
