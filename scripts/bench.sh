#!/usr/bin/env bash
# Benchmarks on the national-scale data set (PostgreSQL): builds in release, generates
# 1,000 establishments / 1 M accounts into a fresh database, starts the service, and runs
# `sesame bench` (notify 2,000 + letters, lists, search latency and throughput on loopback).
# Usage: scripts/bench.sh [ESTABLISHMENTS] [STUDENTS_PER_ESTABLISHMENT]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_postgres

est="${1:-1000}"
per="${2:-500}"
db=sesame_bench
cargo build --locked --release -p sesame-server
psql "$PG_ADMIN_URL" -qc "drop database if exists $db with (force)" -c "create database $db"
base="${PG_ADMIN_URL%/*}"
export DATABASE_URL="$base/$db"
export SESAME_SECRET_KEY
SESAME_SECRET_KEY=$(target/release/sesame generate-key)
target/release/sesame scale-demo --establishments "$est" --students-per-establishment "$per"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Loopback as the administrative network: the bench user needs no second factor.
SESAME_ADMIN_NETWORKS=127.0.0.0/8 RUST_LOG=warn target/release/sesame serve --bind "127.0.0.1:$port" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
target/release/sesame bench --url "http://127.0.0.1:$port" "${@:3}"
