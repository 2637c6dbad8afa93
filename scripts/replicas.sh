#!/usr/bin/env bash
# Two `sesame serve` on one PostgreSQL behind haproxy, as production runs them, and a scenario
# across them (scripts/replicas_scenario.py): TOTP login on one replica and refresh on the
# other, a bulk job started on one and followed (and its document fetched) on the other, the
# login throttle shared, then replica B killed with SIGKILL under load through haproxy: only
# requests in flight on B may fail, and A keeps serving.
# Loopback only; a fresh database, dropped on exit with everything this script started.
# Expects the debug server built (cargo build --locked -p sesame-server; built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# Health checks every 500 ms, a server is DOWN after 2 failed checks: after a kill haproxy
# stops sending to it within about 1 s (and connection failures before that are redispatched).
CHECK_INTER_MS=500
CHECK_FALL=2

if ! command -v haproxy >/dev/null 2>&1; then
    apt_install haproxy
    # Debian starts its own haproxy service on install: this script runs its own instance.
    as_root systemctl disable --now haproxy >/dev/null 2>&1 ||
        as_root service haproxy stop >/dev/null 2>&1 || true
fi
ensure_postgres

bin="${CARGO_TARGET_DIR:-target}/debug/sesame"
[ -x "$bin" ] || cargo build --locked -p sesame-server

work=$(mktemp -d)
db="sesame_replicas_$$"
pids=()
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do { wait "$pid"; } 2>/dev/null || true; done
    psql "$PG_ADMIN_URL" -qc "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true
    if [ "$status" -ne 0 ]; then
        for log in a b haproxy; do
            [ -s "$work/$log.log" ] && { echo "--- $log.log (tail)"; tail -20 "$work/$log.log"; }
        done
    fi
    rm -rf "$work"
    # The closing line CI reads, also when the set-up failed before the scenario.
    [ "$status" -ne 0 ] && [ -z "${scenario_ran:-}" ] && echo "replicas: 0 passed, 1 failed"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql "$PG_ADMIN_URL" -qc "create database \"$db\"" >/dev/null
db_url="${PG_ADMIN_URL%/*}/$db"

# Three distinct free loopback ports (held open together so none is given twice).
read -r port_a port_b port_lb < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

export DATABASE_URL="$db_url"
SESAME_SECRET_KEY=$("$bin" generate-key)
export SESAME_SECRET_KEY
export SESAME_TRUSTED_PROXIES=127.0.0.1/32
export RUST_LOG=warn

wait_ready() { # url pid log
    for _ in $(seq 1 240); do
        curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || { echo "not started: $1" >&2; return 1; }
        sleep 0.25
    done
    curl -fsS "$1/readyz" >/dev/null || { echo "not ready after 60 s: $1" >&2; return 1; }
}

step "replica A (loads the demo) on 127.0.0.1:$port_a, replica B on 127.0.0.1:$port_b"
export SESAME_REPLICAS_T0=$(date +%s.%N)
"$bin" serve --demo --bind "127.0.0.1:$port_a" >"$work/a.log" 2>&1 &
pid_a=$!
pids+=("$pid_a")
wait_ready "http://127.0.0.1:$port_a" "$pid_a" "$work/a.log"
"$bin" serve --bind "127.0.0.1:$port_b" >"$work/b.log" 2>&1 &
pid_b=$!
pids+=("$pid_b")
# The scenario SIGKILLs B: no "Killed" job report from bash after the closing line.
disown "$pid_b"
wait_ready "http://127.0.0.1:$port_b" "$pid_b" "$work/b.log"

step "haproxy on 127.0.0.1:$port_lb (roundrobin, health check on /readyz)"
cat >"$work/haproxy.cfg" <<EOF
global
    maxconn 256
    stats socket $work/haproxy.sock mode 600 level admin

defaults
    mode http
    option httplog
    # The client's address for the replicas' throttle and admin networks (trusted proxy).
    option forwardfor
    # A connection refused by a dead replica is retried on the other one, on every retry.
    retries 2
    option redispatch 1
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 1s

frontend sesame_in
    bind 127.0.0.1:$port_lb
    default_backend sesame

backend sesame
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server check inter ${CHECK_INTER_MS}ms fall $CHECK_FALL rise 2
    server a 127.0.0.1:$port_a
    server b 127.0.0.1:$port_b
EOF
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=("$!")
wait_ready "http://127.0.0.1:$port_lb" "$!" "$work/haproxy.log"

step "scenario"
scenario_ran=1
python3 scripts/replicas_scenario.py "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b" \
    "http://127.0.0.1:$port_lb" "$pid_b" "$work/haproxy.sock" "$CHECK_INTER_MS" "$CHECK_FALL"
