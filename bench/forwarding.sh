#!/usr/bin/env bash
# Forwarding throughput: wrk straight at the stand-in upstream, then through the gateway, in one run on
# the same machine. Prints requests/s and latency percentiles for both and the ratio.
# Usage: bench/forwarding.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-32}"

if ! command -v wrk >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
swift build -c release --product gateway >/dev/null
bin="$(swift build -c release --show-bin-path)/gateway"

out="bench/out"
mkdir -p "$out"
stub_port=18181
gateway_port=18180
cat > "$out/bench.conf" <<CONF
[server]
listen = "127.0.0.1:$gateway_port"
[admin]
listen = "127.0.0.1:18191"
[upstream]
url = "http://127.0.0.1:$stub_port"
[auth]
mode = "none"
[store]
backend = "memory"
CONF

"$bin" stub-upstream --listen "127.0.0.1:$stub_port" > "$out/stub.log" 2>&1 &
stub_pid=$!
"$bin" serve --config "$out/bench.conf" > "$out/gateway.log" 2>&1 &
gateway_pid=$!
trap 'kill $stub_pid $gateway_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:18191/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done

cpu_seconds() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }

run() {
    local name="$1" port="$2" pid="$3"
    local before after
    before=$(cpu_seconds "$pid")
    wrk -t1 -c"$connections" -d"${duration}s" --latency -s bench/distinct-resends.lua "http://127.0.0.1:$port" > "$out/$name.txt"
    after=$(cpu_seconds "$pid")
    local rps p50 p99 requests
    rps=$(awk '/Requests\/sec/ { print $2 }' "$out/$name.txt")
    p50=$(awk '$1 == "50%" { print $2 }' "$out/$name.txt")
    p99=$(awk '$1 == "99%" { print $2 }' "$out/$name.txt")
    requests=$(awk '/requests in/ { print $1 }' "$out/$name.txt")
    local cpu_per_10k
    cpu_per_10k=$(awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN { printf "%.2f", (a - b) / n * 10000 }')
    printf '%-22s %10s %10s %10s %14s\n' "$name" "$rps" "$p50" "$p99" "$cpu_per_10k"
    echo "$rps" > "$out/$name.rps"
}

echo "wrk -t1 -c$connections -d${duration}s, distinct resends, $(nproc) cores shared by wrk, stub and gateway"
printf '%-22s %10s %10s %10s %14s\n' "target" "req/s" "p50" "p99" "cpu-s/10k (*)"
run "direct-to-stub" "$stub_port" "$stub_pid"
run "through-gateway" "$gateway_port" "$gateway_pid"
awk -v g="$(cat "$out/through-gateway.rps")" -v d="$(cat "$out/direct-to-stub.rps")" 'BEGIN { printf "gateway / direct = %.2f\n", g / d }'
echo "(*) CPU seconds of the measured process: the stub for the direct row, the gateway alone for the gateway row"
