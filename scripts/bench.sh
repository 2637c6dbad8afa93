#!/usr/bin/env bash
# Benchmarks on the national-scale data set (PostgreSQL): builds in release, generates
# 1,000 establishments / 1 M accounts into a fresh database, starts the service, then
#  1. the API's overhead: for three searches of the console (a name prefix, a state filter,
#     the unfiltered first page) API requests/s through `wrk` beside the same data queries
#     (`sesame search-sql`, the SQL the search runs) through `pgbench`, both at 32 connections,
#     and the ratio (target ≥ 0.67, i.e. API overhead ≤ 1.5× the database's own work);
#  2. `sesame bench` (notify 2,000 + letters, lists, search latency — first and deep pages by
#     cursor — and throughput on loopback).
# Usage: scripts/bench.sh [ESTABLISHMENTS] [STUDENTS_PER_ESTABLISHMENT] [sesame bench flags…]
# SESAME_BENCH_KEEP_DB=1 keeps the database (dropped otherwise: 10 M accounts are 8 GB);
# SESAME_BENCH_BIN=path measures another build of `sesame` (e.g. the previous commit's);
# SESAME_BENCH_REUSE_DB=1 measures on the database a kept run left (same size asked);
# SESAME_BENCH_ONLY_DATA=1 generates (and keeps) the data set, then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_postgres
apt_install wrk postgresql-client

est="${1:-1000}"
per="${2:-500}"
# SESAME_BENCH_DB names the database, so a kept 10 M set can sit beside a fresh 1 M run.
db="${SESAME_BENCH_DB:-sesame_bench}"
conns=32
secs="${SESAME_BENCH_SECONDS:-5}"
rounds="${SESAME_BENCH_ROUNDS:-3}"
bin="${SESAME_BENCH_BIN:-target/release/sesame}"
[ -n "${SESAME_BENCH_BIN:-}" ] || cargo build --locked --release -p sesame-server
base="${PG_ADMIN_URL%/*}"
export DATABASE_URL="$base/$db"
export SESAME_SECRET_KEY
# A kept database keeps its key beside it: what it sealed (provisional passwords) must open.
keyfile="${TMPDIR:-/tmp}/$db.key"
if [ "${SESAME_BENCH_REUSE_DB:-0}" = 1 ] && [ -s "$keyfile" ] &&
    psql "$DATABASE_URL" -Atqc 'select 1' >/dev/null 2>&1; then
    SESAME_SECRET_KEY=$(cat "$keyfile")
    echo "reusing database $db: $(psql "$DATABASE_URL" -Atqc 'select count(*) from accounts') accounts"
else
    SESAME_SECRET_KEY=$("$bin" generate-key)
    (umask 077 && printf '%s' "$SESAME_SECRET_KEY" >"$keyfile")
    psql "$PG_ADMIN_URL" -qc "drop database if exists $db with (force)" -c "create database $db"
    "$bin" scale-demo --establishments "$est" --students-per-establishment "$per"
    psql "$DATABASE_URL" -qc "vacuum analyze"
fi
if [ "${SESAME_BENCH_ONLY_DATA:-0}" = 1 ]; then
    echo "data set kept in $db: $(psql "$DATABASE_URL" -Atqc 'select count(*) from accounts') accounts"
    exit 0
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Loopback as the administrative network: the bench user needs no second factor. The default
# log level: the ratio is measured as production runs.
SESAME_ADMIN_NETWORKS=127.0.0.0/8 "$bin" serve --bind "127.0.0.1:$port" >/tmp/sesame-bench-server.log 2>&1 &
server=$!
cleanup() {
    kill $server 2>/dev/null || true
    wait $server 2>/dev/null || true
    if [ "${SESAME_BENCH_KEEP_DB:-0}" != 1 ]; then
        psql "$PG_ADMIN_URL" -qc "drop database if exists $db with (force)" || true
        rm -f "$keyfile"
    fi
}
trap cleanup EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done

uai=$(python3 -c "n=999999; print(f'{n:07d}' + 'ABCDEFGHJKLMNPRSTUVWXYZ'[n % 23])")
token=$(curl -fsS "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"${SESAME_BENCH_PASSWORD:-bench-password-123}\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

step "API overhead: $conns connections, $rounds rounds of ${secs} s, establishment $uai ($(nproc) cores)"
# The database's own work is the statement the service prepares, with the same parameters
# (`sesame search-sql --pgbench`: what the API sends, no more, no less); the same text with
# the values written in (a plan made for those very values, which the service cannot reuse
# across searches) is shown beside it for reference. API and SQL runs alternate and medians
# are compared: a shared machine's load drifts within seconds, and alternating spreads the
# drift over every side.
printf '%-22s %-24s %-24s %-24s %7s\n' shape "API req/s" "SQL tx/s (prepared)" "SQL tx/s (literal)" ratio
ratio_fail=0
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pgbench_tps() {
    pgbench -n -M prepared -c"$conns" -j2 -T"$secs" "$@" "$DATABASE_URL" 2>/dev/null |
        awk '/^tps/ {printf "%.0f", $3; exit}'
}
shape() {
    local name="$1" query="$2"
    shift 2
    local prepared literal apis="" sqls="" lits="" url defines
    prepared=$(mktemp)
    literal=$(mktemp)
    "$bin" search-sql --uai "$uai" "$@" >"$literal"
    # A build older than `--pgbench` (measuring a previous commit): the literal SQL only, and
    # the ratio against it.
    if "$bin" search-sql --uai "$uai" "$@" --pgbench >"$prepared" 2>/dev/null; then
        read -r -a defines <<<"$(head -1 "$prepared" | sed 's/^-- pgbench //')"
    else
        cp "$literal" "$prepared"
        defines=()
    fi
    url="http://127.0.0.1:$port/api/v1/establishments/$uai/students$query"
    curl -fsS -H "Authorization: Bearer $token" "$url" >/dev/null
    for _ in $(seq 1 "$rounds"); do
        apis+=" $(wrk -t2 -c"$conns" -d"${secs}s" -H "Authorization: Bearer $token" "$url" |
            awk '/Requests\/sec/ {printf "%.0f", $2}')"
        sqls+=" $(pgbench_tps "${defines[@]}" -f "$prepared")"
        lits+=" $(pgbench_tps -f "$literal")"
    done
    rm -f "$prepared" "$literal"
    local api sql lit r
    api=$(median <<<"$apis")
    sql=$(median <<<"$sqls")
    lit=$(median <<<"$lits")
    r=$(python3 -c "print(f'{$api/$sql:.2f}')")
    printf '%-22s %-24s %-24s %-24s %6s×\n' "$name" "$api (${apis# })" "$sql (${sqls# })" "$lit (${lits# })" "$r"
    python3 -c "import sys; sys.exit(0 if $api/$sql >= 0.67 else 1)" || ratio_fail=1
}
shape "?q=mar" "?q=mar" --q mar
shape "?state=not_notified" "?state=not_notified" --state not_notified
shape "unfiltered first page" ""
if [ "$ratio_fail" = 0 ]; then echo "every ratio ≥ 0.67× (target)"; else echo "a ratio is below 0.67× (target)"; fi

step "sesame bench"
"$bin" bench --url "http://127.0.0.1:$port" "${@:3}"
