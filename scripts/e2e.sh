#!/usr/bin/env bash
# Starts the demo on a throw-away SQLite database and drives the SPA in headless Chromium.
# Expects the SPA to be built (scripts/build-spa.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

apt_install chromium
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
cargo build --locked -p sesame-server

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATABASE_URL="sqlite://$work/demo.sqlite?mode=rwc" SESAME_SECRET_KEY_FILE="$work/secret.key" \
    target/debug/sesame serve --demo --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 $server 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/swagger-ui/" -o "$work/swagger.html"
grep -qi swagger "$work/swagger.html" || { echo "Swagger UI is not served" >&2; exit 1; }

# Every flow runs, even after a failure, so one broken screen does not hide the others.
# Flows must not depend on each other's changes to the demo data.
failed=0
for flow in e2e/smoke.mjs e2e/*.flow.mjs; do
    [ -e "$flow" ] || continue
    SESAME_URL="http://127.0.0.1:$port" node "$flow" || failed=$((failed + 1))
done
if [ "$failed" -gt 0 ]; then
    tail -50 "$work/server.log"
    echo "e2e: $failed flow(s) failed"
    exit 1
fi
