# Shared helpers of the project scripts. Each installs what it needs on a fresh machine of the
# project's kind (Debian, rustup, PostgreSQL service), and does nothing when it is there.

step() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust_components() {
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
}

PG_ADMIN_URL="${SESAME_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export SESAME_TEST_POSTGRES_URL="$PG_ADMIN_URL"

# PostgreSQL is not optional: production runs on it, so the tests must too.
ensure_postgres() {
    if ! psql "$PG_ADMIN_URL" -Atqc 'select 1' >/dev/null 2>&1; then
        if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
            as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
            sleep 2
        fi
    fi
    psql "$PG_ADMIN_URL" -Atqc 'select 1' >/dev/null 2>&1 || {
        echo "PostgreSQL is required and not reachable at $PG_ADMIN_URL" >&2
        exit 1
    }
}

drop_test_databases() {
    psql "$PG_ADMIN_URL" -Atqc "select datname from pg_database where datname like 'sesame\_t\_%'" |
        while read -r db; do
            [ -n "$db" ] && psql "$PG_ADMIN_URL" -qc "drop database if exists \"$db\" with (force)" >/dev/null
        done
}
