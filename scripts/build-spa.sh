#!/usr/bin/env bash
# Builds the SPA (frontend/) into frontend/dist, which the server serves as static files.
#
# Uses only cargo and wasm-bindgen-cli from crates.io: trunk and cargo-leptos download
# wasm-bindgen / wasm-opt binaries at run time, which fails on machines without general
# internet access.
#
# Usage: scripts/build-spa.sh [--lint]
#   --lint   also run rustfmt --check and clippy (-D warnings) on the frontend for wasm32
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

lint=0
for arg in "$@"; do
  case "$arg" in
    --lint) lint=1 ;;
    -h | --help)
      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "build-spa: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

TARGET=wasm32-unknown-unknown
PROFILE=wasm-release
CRATE=sesame-frontend
ARTIFACT=sesame_frontend
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
DIST="$ROOT/frontend/dist"
ASSETS=(index.html style.css boot.js favicon.svg)
started=$SECONDS

if ! rustup target list --installed | grep -qx "$TARGET"; then
  rustup target add "$TARGET"
fi

# The CLI must be exactly the version of the wasm-bindgen crate compiled into the module,
# or it refuses the .wasm (schema mismatch). Cargo.lock is the source of truth.
if [[ ! -f Cargo.lock ]]; then
  cargo generate-lockfile
fi
wb_version="$(awk '
  /^\[\[package\]\]/ { in_wb = 0; next }
  /^name = "wasm-bindgen"$/ { in_wb = 1; next }
  in_wb && /^version = / { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
if [[ -z "$wb_version" ]]; then
  echo "build-spa: no wasm-bindgen package in Cargo.lock" >&2
  exit 1
fi

installed="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$installed" != "$wb_version" ]]; then
  echo "build-spa: installing wasm-bindgen-cli $wb_version (found: ${installed:-none})" >&2
  # No --locked: the CLI's own lockfile pins a webpki-roots version the index no longer has.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

if [[ $lint == 1 ]]; then
  # lib.rs pulls in every module, so one file checks them all.
  rustfmt --edition 2021 --check "$ROOT/frontend/src/lib.rs"
  cargo clippy -p "$CRATE" --target "$TARGET" -- -D warnings
fi

cargo build -p "$CRATE" --target "$TARGET" --profile "$PROFILE"

# Assemble beside the target and swap at the end, so a running server never serves a
# half-written bundle and files from earlier builds do not linger.
staging="$TARGET_DIR/spa-dist"
rm -rf "$staging"
mkdir -p "$staging"
# The name section is half the module and only serves stack traces; browsers do not need it.
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$staging" "$TARGET_DIR/$TARGET/$PROFILE/$ARTIFACT.wasm"
for asset in "${ASSETS[@]}"; do
  cp "$ROOT/frontend/$asset" "$staging/"
done
rm -rf "$DIST"
mkdir -p "$(dirname "$DIST")"
mv "$staging" "$DIST"

wasm="$DIST/${ARTIFACT}_bg.wasm"
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'build-spa: %s ready: %s %d KiB (%d KiB gzipped), wasm-bindgen %s, %ds\n' \
  "${DIST#"$ROOT"/}" "$(basename "$wasm")" $((raw / 1024)) $((gz / 1024)) "$wb_version" \
  $((SECONDS - started))
