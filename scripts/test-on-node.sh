#!/usr/bin/env bash
# The whole suite on another Node.js major from the npm registry: `scripts/test-on-node.sh 22`
# (the oldest that package.json's "engines" accepts), or another command on it:
# `scripts/test-on-node.sh 26 npx vitest run test/store`. better-sqlite3 is built for one Node.js
# ABI, so it is rebuilt for that major first and, passed or failed, for the usual runtime
# (scripts/node.sh) afterwards: `npm test` works as before once this is done.
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:?usage: scripts/test-on-node.sh <major> [command...]}"
shift
[ $# -gt 0 ] || set -- npm test
restore() {
  echo "rebuilding better-sqlite3 for $(scripts/node.sh node --version) again"
  scripts/node.sh npm rebuild better-sqlite3 >/dev/null
}
trap restore EXIT
NODE_MAJOR="$major" scripts/node.sh bash -c 'echo "Node.js $(node --version) from $(dirname "$(command -v node)")"
  npm rebuild better-sqlite3 >/dev/null
  node -e "new (require(\"better-sqlite3\"))(\":memory:\").prepare(\"select 1\").get()"'
NODE_MAJOR="$major" scripts/node.sh "$@"
