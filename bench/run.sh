#!/usr/bin/env bash
# One run, one table. Part 1: a fast upstream (nginx answering the seed's success body) straight, through
# nginx as a keep-alive reverse proxy, and through the gateway (SQLite store, api_key auth, every plugin
# on; JSON and XML clients; replays). Part 2: the stand-in upstream straight and through the gateway with
# each store (memory, sqlite, and redis: a local redis-server on loopback, sharing the same cores). Every row shares the same 2 cores with wrk and the upstream: compare ratios, not absolute
# figures. The `-paced` rows compare latency at about the same rate rather than flat out: each connection
# pauses 1 ms between requests (BENCH_PAUSE_MS), so a faster proxy is not simply driven harder on the
# shared cores; the `-paced-4ms` rows do the same for forwards, at a rate the gateway can forward.
# `gateway-passthrough` sends a path no plugin handles through the same gateway: the serving engine and
# the libcurl forward alone, the ceiling any resend forward is measured against.
# Usage: bench/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-32}"

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null || ! command -v redis-server >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk nginx-light redis-server >/dev/null
fi
swift build -c release --product gateway >/dev/null
bin="$(swift build -c release --show-bin-path)/gateway"
out="bench/out"
rm -rf "$out" && mkdir -p "$out"
stub_port=18181
admin_port=18191
redis_port=18190

"$bin" stub-upstream --listen "127.0.0.1:$stub_port" > "$out/stub.log" 2>&1 &
stub_pid=$!
gateway_pid=""
nginx_pid=""
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --maxmemory-policy noeviction > "$out/redis.log" 2>&1 &
redis_pid=$!
cleanup() { kill $stub_pid $redis_pid $gateway_pid 2>/dev/null || true; [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$stub_port/__stub/sent" >/dev/null 2>&1 && break
    sleep 0.1
done

start_gateway() { # $1 = name, $2 = store backend, $3 = port, $4 = access-log path, $5 = upstream port, $6 = auth mode, $7 = upstream format
    local port=$3
    local access_log="${4:-$out/$1.access.log}"
    local upstream_port="${5:-$stub_port}"
    local auth="${6:-none}"
    local format="${7:-same}"
    cat > "$out/$1.conf" <<CONF
[server]
listen = "127.0.0.1:$port"
[admin]
listen = "127.0.0.1:$admin_port"
[upstream]
url = "http://127.0.0.1:$upstream_port"
format = "$format"
[auth]
mode = "$auth"
[[auth.api_keys]]
name = "bench"
sha256 = "$("$bin" hash-key bench-key-0123456789abcdef | sed 's/.*"\(.*\)"/\1/')"
[throttle]
per_principal = ""
[store]
backend = "$2"
path = "$out/$1.db"
redis_url = "redis://127.0.0.1:$redis_port/0"
key_prefix = "bench:$1:"
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

rss_mib() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

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
    printf '%-30s %10s %9s %9s %12s %8s %8s\n' "$1" "$rps" "$p50" "$p99" \
        "$(awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN { printf "%.2f", (a - b) / n * 10000 }')" "${errors:-0}" "$(rss_mib "$3")"
    echo "$rps" > "$out/$1.rps"
    echo "$p99" | awk '/us$/ { print $1 + 0; next } /ms$/ { print $1 * 1000; next } /s$/ { print $1 * 1000000 }' > "$out/$1.p99"
}

start_nginx() {
    cat > "$out/nginx.conf" <<CONF
worker_processes 1;
pid $PWD/$out/nginx.pid;
error_log $PWD/$out/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    upstream fast { server 127.0.0.1:18184; keepalive 64; }
    server {
        listen 127.0.0.1:18184;
        location / { default_type "application/json; charset=utf-8"; return 200 '{}'; }
    }
    server {
        listen 127.0.0.1:18185;
        location / { proxy_pass http://fast; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CONF
    nginx -c "$PWD/$out/nginx.conf" -g "daemon off;" &
    nginx_pid=$!
    for _ in $(seq 50); do
        curl -fs "http://127.0.0.1:18184/" >/dev/null 2>&1 && return
        sleep 0.1
    done
}

echo "wrk -t1 -c$connections -d${duration}s on $(nproc) cores shared by wrk, the upstream and the proxy"
printf '%-30s %10s %9s %9s %12s %8s %8s\n' "scenario" "req/s" "p50" "p99" "cpu-s/10k(*)" "non-2xx" "RSS MiB"
start_nginx
nginx_worker=$(pgrep -P "$nginx_pid" | head -1)
row "nginx-upstream-direct" 18184 "$nginx_worker" bench/distinct-resends.lua
row "nginx-proxy" 18185 "$nginx_worker" bench/distinct-resends.lua
BENCH_PAUSE_MS=1 row "nginx-proxy-paced" 18185 "$nginx_worker" bench/distinct-resends.lua
BENCH_PAUSE_MS=4 row "nginx-proxy-paced-4ms" 18185 "$nginx_worker" bench/distinct-resends.lua
start_gateway full sqlite 18186 "" 18184 api_key
row "gateway-full-sqlite" 18186 "$gateway_pid" bench/distinct-resends.lua
BENCH_PAUSE_MS=4 row "gateway-full-sqlite-paced-4ms" 18186 "$gateway_pid" bench/distinct-resends.lua
row "gateway-full-sqlite-replay" 18186 "$gateway_pid" bench/replay-resend.lua
BENCH_PAUSE_MS=1 row "gateway-full-replay-paced" 18186 "$gateway_pid" bench/replay-resend.lua
row "gateway-passthrough" 18186 "$gateway_pid" bench/passthrough.lua
BENCH_PAUSE_MS=4 row "gateway-passthrough-paced-4ms" 18186 "$gateway_pid" bench/passthrough.lua
stop_gateway
start_gateway xml sqlite 18187 "" 18184 api_key json
BENCH_ACCEPT=application/xml row "gateway-xml-client-json-up" 18187 "$gateway_pid" bench/distinct-resends.lua
stop_gateway
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
redis_before=$(cpu_seconds "$redis_pid")
start_gateway redis redis 18188
row "gateway-redis-forward" 18188 "$gateway_pid" bench/distinct-resends.lua
row "gateway-redis-replay" 18188 "$gateway_pid" bench/replay-resend.lua
redis_cpu=$(awk -v a="$redis_before" -v b="$(cpu_seconds "$redis_pid")" 'BEGIN { printf "%.2f", b - a }')
redis_calls=$(redis-cli -p "$redis_port" info commandstats | awk -F'[:=,]' '/cmdstat_evalsha/ { print $3 }')
stop_gateway
ratio() { awk -v a="$(cat "$out/$1.rps")" -v b="$(cat "$out/$2.rps")" 'BEGIN { printf "%.2f", a / b }'; }
echo "gateway-full-sqlite / nginx-proxy = $(ratio gateway-full-sqlite nginx-proxy)"
echo "gateway replays / nginx-proxy = $(ratio gateway-full-sqlite-replay nginx-proxy)"
echo "gateway passthrough (no plugin, no store: the engine alone) / nginx-proxy = $(ratio gateway-passthrough nginx-proxy)"
echo "p99 of passthrough at about the same rate (-paced-4ms rows): gateway / nginx-proxy = $(awk -v a="$(cat "$out/gateway-passthrough-paced-4ms.p99")" -v b="$(cat "$out/nginx-proxy-paced-4ms.p99")" 'BEGIN { printf "%.2f", a / b }') (rates $(ratio gateway-passthrough-paced-4ms nginx-proxy-paced-4ms) of each other)"
echo "p99 at about the same rate (-paced rows): gateway replays / nginx-proxy = $(awk -v a="$(cat "$out/gateway-full-replay-paced.p99")" -v b="$(cat "$out/nginx-proxy-paced.p99")" 'BEGIN { printf "%.2f", a / b }') (rates $(ratio gateway-full-replay-paced nginx-proxy-paced) of each other)"
echo "p99 of forwards at about the same rate (-paced-4ms rows): gateway / nginx-proxy = $(awk -v a="$(cat "$out/gateway-full-sqlite-paced-4ms.p99")" -v b="$(cat "$out/nginx-proxy-paced-4ms.p99")" 'BEGIN { printf "%.2f", a / b }') (rates $(ratio gateway-full-sqlite-paced-4ms nginx-proxy-paced-4ms) of each other)"
echo "gateway-memory / direct = $(ratio gateway-memory-forward direct-to-stub)"
echo "gateway-sqlite / direct = $(ratio gateway-sqlite-forward direct-to-stub)"
echo "gateway-sqlite / gateway-memory = $(ratio gateway-sqlite-forward gateway-memory-forward)"
echo "gateway-redis / gateway-memory = $(ratio gateway-redis-forward gateway-memory-forward)"
echo "gateway-redis / gateway-sqlite = $(ratio gateway-redis-forward gateway-sqlite-forward)"
echo "redis-server CPU during the two redis rows: ${redis_cpu}s; EVALSHA calls: ${redis_calls:-0}"
echo "access log to a file / to /dev/null = $(ratio gateway-memory-forward gateway-memory-log-devnull)"
echo "(*) CPU seconds per 10k requests of the process behind the port (nginx rows: the nginx worker, which serves both the proxy and the upstream)"
