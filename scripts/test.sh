#!/usr/bin/env bash
# Every check of the project, as CI runs it (`.ci/run` calls this): formatting, lints, all
# tests on SQLite and PostgreSQL, the SPA build, a browser smoke test of the running demo, and
# two replicas behind haproxy (scripts/replicas.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

step "toolchain"
ensure_rust_components
ensure_postgres
# pdftotext reads generated PDFs back in the tests; Chromium runs the browser tests.
apt_install poppler-utils chromium

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (native crates)"
cargo clippy --all-targets --locked -- -D warnings

step "tests on SQLite and PostgreSQL"
drop_test_databases
rm -rf "${TMPDIR:-/tmp}/sesame-tests"
cargo test --locked 2>&1 | tee target/test-output.txt
sqlite_count=$(grep -cE '::sqlite \.\.\. ok$' target/test-output.txt || true)
postgres_count=$(grep -cE '::postgres \.\.\. ok$' target/test-output.txt || true)
echo "repository and HTTP tests passed: ${sqlite_count} on SQLite, ${postgres_count} on PostgreSQL"
[ "$postgres_count" -gt 0 ] || { echo "no test ran on PostgreSQL" >&2; exit 1; }
drop_test_databases

step "schemathesis over the whole OpenAPI document"
cargo build --locked -p sesame-server
bash scripts/fuzz.sh

step "SPA unit tests (native)"
cargo test --locked -p sesame-frontend --lib

step "SPA build (wasm32) and its lints"
bash scripts/build-spa.sh --lint

step "browser smoke test of the demo"
bash scripts/e2e.sh

step "two replicas on one PostgreSQL behind haproxy"
# The debug server built for the fuzz step; a second replica SIGKILLed under load.
bash scripts/replicas.sh

step "all checks passed"
