#!/usr/bin/env bash
# One run, one table: wrk straight at the stand-in upstream, then through the gateway with each store,
# then replays. Every row shares the same 2 cores with wrk and the stub, so compare ratios, not
# absolute figures. Usage: bench/run.sh [seconds] [connections]
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
rm -rf "$out" && mkdir -p "$out"
stub_port=18181
admin_port=18191

"$bin" stub-upstream --listen "127.0.0.1:$stub_port" > "$out/stub.log" 2>&1 &
stub_pid=$!
gateway_pid=""
cleanup() { kill $stub_pid $gateway_pid 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$stub_port/__stub/sent" >/dev/null 2>&1 && break
    sleep 0.1
done

start_gateway() { # $1 = name, $2 = store backend, $3 = port, $4 = access-log path (default: a file)
    local port=$3
    local access_log="${4:-$out/$1.access.log}"
    cat > "$out/$1.conf" <<CONF
[server]
listen = "127.0.0.1:$port"
[admin]
listen = "127.0.0.1:$admin_port"
[upstream]
url = "http://127.0.0.1:$stub_port"
[auth]
mode = "none"
[throttle]
per_principal = ""
[store]
backend = "$2"
path = "$out/$1.db"
[access_log]
path = "$access_log"
CONF
    "$bin" serve --config "$out/$1.conf" > "$out/$1.log" 2>&1 &
    gateway_pid=$!
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$admin_port/healthz" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "gateway $1 did not start" >&2; cat "$out/$1.log" >&2; exit 1
}

stop_gateway() { kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; gateway_pid=""; }

cpu_seconds() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }

row() { # $1 = label, $2 = port, $3 = pid to charge CPU to, $4 = lua script
    local before after
    before=$(cpu_seconds "$3")
    wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$4" "http://127.0.0.1:$2" > "$out/$1.txt"
    after=$(cpu_seconds "$3")
    local rps p50 p99 requests errors
    rps=$(awk '/Requests\/sec/ { print $2 }' "$out/$1.txt")
    p50=$(awk '$1 == "50%" { print $2 }' "$out/$1.txt")
    p99=$(awk '$1 == "99%" { print $2 }' "$out/$1.txt")
    requests=$(awk '/requests in/ { print $1 }' "$out/$1.txt")
    errors=$(awk '/Non-2xx/ { print $4 }' "$out/$1.txt")
    printf '%-28s %10s %9s %9s %12s %8s\n' "$1" "$rps" "$p50" "$p99" \
        "$(awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN { printf "%.2f", (a - b) / n * 10000 }')" "${errors:-0}"
    echo "$rps" > "$out/$1.rps"
}

echo "wrk -t1 -c$connections -d${duration}s on $(nproc) cores shared by wrk, the stub and the gateway"
printf '%-28s %10s %9s %9s %12s %8s\n' "scenario" "req/s" "p50" "p99" "cpu-s/10k(*)" "non-2xx"
row "direct-to-stub" "$stub_port" "$stub_pid" bench/distinct-resends.lua
start_gateway memory memory 18180
row "gateway-memory-forward" 18180 "$gateway_pid" bench/distinct-resends.lua
stop_gateway
start_gateway memory-devnull memory 18183 /dev/null
row "gateway-memory-log-devnull" 18183 "$gateway_pid" bench/distinct-resends.lua
stop_gateway
start_gateway sqlite sqlite 18182
row "gateway-sqlite-forward" 18182 "$gateway_pid" bench/distinct-resends.lua
row "gateway-sqlite-replay" 18182 "$gateway_pid" bench/replay-resend.lua
stop_gateway
ratio() { awk -v a="$(cat "$out/$1.rps")" -v b="$(cat "$out/$2.rps")" 'BEGIN { printf "%.2f", a / b }'; }
echo "gateway-memory / direct = $(ratio gateway-memory-forward direct-to-stub)"
echo "gateway-sqlite / direct = $(ratio gateway-sqlite-forward direct-to-stub)"
echo "gateway-sqlite / gateway-memory = $(ratio gateway-sqlite-forward gateway-memory-forward)"
echo "access log to a file / to /dev/null = $(ratio gateway-memory-forward gateway-memory-log-devnull)"
echo "(*) CPU seconds per 10k requests of the process behind the port: the stub for the direct row, the gateway otherwise"
