#!/usr/bin/env bash
# Runs a command (`scripts/node.sh npm test`) on a Node.js that package.json's "engines" accepts.
# The machine's own Node.js when it is 22.12 or later; otherwise the primary runtime, Node.js 24 –
# the App Service runtime of infra/main.bicep – from the npm registry's `node` package, kept under
# .cache/node<major> and fetched once. NODE_MAJOR=<major> takes that major from the registry
# whatever the machine has (scripts/test-on-node.sh).
# A native addon built from source builds against that Node.js's own headers: node-gyp would
# otherwise download them from nodejs.org.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
primary=24
major="${NODE_MAJOR:-}"
if [ -z "$major" ]; then
  if node -e 'const [a, b] = process.versions.node.split(".").map(Number);
      process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' 2>/dev/null; then
    exec "$@"
  fi
  major=$primary
fi
prefix="$root/.cache/node$major"
home() { find "$prefix/node_modules/node/node_modules" -maxdepth 1 -name "node-$(uname -s | tr '[:upper:]' '[:lower:]')-*" 2>/dev/null | head -n 1; }
if ! "$(home)/bin/node" --version 2>/dev/null | grep -q "^v$major\."; then
  rm -rf "$prefix" && mkdir -p "$prefix"
  # The `node` package installs the binary in its preinstall script, which npm runs only when allowed.
  echo '{ "private": true, "allowScripts": { "node": true } }' >"$prefix/package.json"
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund "node@$major" >&2
fi
home="$(home)"
export PATH="$home/bin:$PATH" npm_config_nodedir="$home"
exec "$@"
