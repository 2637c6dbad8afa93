#!/usr/bin/env bash
# Starts the demo on a throw-away SQLite database and drives the SPA in headless Chromium.
# Expects the SPA to be built (scripts/build-spa.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# zbar-tools and poppler-utils: e2e/holder.flow.mjs reads a letter's QR code and password off
# its printed page, as a phone and a person would.
apt_install chromium zbar-tools poppler-utils
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
cargo build --locked -p sesame-server

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
# A local SMTP sink (e2e/holder-email.flow.mjs reads what it receives from $work/mail).
smtp_port=$(free_port)
node e2e/smtp-sink.mjs "$smtp_port" "$work/mail" >"$work/smtp.log" 2>&1 &
smtp_sink=$!
export SESAME_MAIL_DIR="$work/mail"
# SESAME_PUBLIC_URL: letters and e-mailed links point to this very server's /compte
# (e2e/holder.flow.mjs, e2e/holder-email.flow.mjs).
SESAME_PUBLIC_URL="http://127.0.0.1:$port" SESAME_SMTP_URL="smtp://127.0.0.1:$smtp_port" \
    DATABASE_URL="sqlite://$work/demo.sqlite?mode=rwc" SESAME_SECRET_KEY_FILE="$work/secret.key" \
    target/debug/sesame serve --demo --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
# A second demo server whose sessions are short (e2e/session.flow.mjs): access tokens expire
# every 8 s, and a session ends 90 s after sign-in.
session_port=$(free_port)
session_env=(SESAME_ACCESS_TOKEN_TTL=8 SESAME_SESSION_MAX_SECS=90)
mkdir -p "$work/session"
env "${session_env[@]}" DATABASE_URL="sqlite://$work/session/demo.sqlite?mode=rwc" \
    SESAME_SECRET_KEY_FILE="$work/session/secret.key" \
    target/debug/sesame serve --demo --bind "127.0.0.1:$session_port" >"$work/session.log" 2>&1 &
session_server=$!
trap 'kill $server $session_server $smtp_sink 2>/dev/null || true; wait $server $session_server $smtp_sink 2>/dev/null || true; rm -rf "$work"' EXIT

wait_ready() { # port pid log
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || { cat "$3"; exit 1; }
        sleep 0.5
    done
    curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null || { cat "$3"; exit 1; }
}
wait_ready "$port" "$server" "$work/server.log"
wait_ready "$session_port" "$session_server" "$work/session.log"
curl -fsS "http://127.0.0.1:$port/swagger-ui/" -o "$work/swagger.html"
grep -qi swagger "$work/swagger.html" || { echo "Swagger UI is not served" >&2; exit 1; }

# Every flow runs, even after a failure, so one broken screen does not hide the others.
# Flows must not depend on each other's changes to the demo data.
failed=0
for flow in e2e/smoke.mjs e2e/*.flow.mjs; do
    [ -e "$flow" ] || continue
    if [ "$flow" = e2e/session.flow.mjs ]; then
        env "${session_env[@]}" SESAME_URL="http://127.0.0.1:$session_port" node "$flow" \
            || failed=$((failed + 1))
        continue
    fi
    SESAME_URL="http://127.0.0.1:$port" node "$flow" || failed=$((failed + 1))
done
if [ "$failed" -gt 0 ]; then
    tail -50 "$work/server.log"
    tail -20 "$work/session.log"
    echo "e2e: $failed flow(s) failed"
    exit 1
fi
