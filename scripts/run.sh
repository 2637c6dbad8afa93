#!/usr/bin/env bash
# Starts Sésame with its SPA, Swagger UI and the demo data set on the embedded SQLite database,
# installing what it needs on the way. Open http://127.0.0.1:8080/ (SESAME_BIND to change).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

step "building the SPA"
bash scripts/build-spa.sh

step "building the server"
cargo build --locked -p sesame-server

bind="${SESAME_BIND:-127.0.0.1:8080}"
# The demo's letters point to its own holders' page (QR code and address), so a printed letter
# can be followed to an activation on this machine.
export SESAME_PUBLIC_URL="${SESAME_PUBLIC_URL:-http://$bind}"
step "starting Sésame on http://$bind/ (demo accounts in README.md; Ctrl-C stops it)"
exec target/debug/sesame serve --demo --bind "$bind"
