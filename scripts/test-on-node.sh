#!/usr/bin/env bash
# The whole suite on another Node.js major from the npm registry: `scripts/test-on-node.sh 22`
# (the oldest that package.json's "engines" accepts), or another command on it:
# `scripts/test-on-node.sh 26 npx vitest run test/store`. better-sqlite3 ships Node-API binaries,
# one for every Node.js major, so node_modules needs no rebuild, neither before nor after.
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:?usage: scripts/test-on-node.sh <major> [command...]}"
shift
[ $# -gt 0 ] || set -- npm test
NODE_MAJOR="$major" scripts/node.sh bash -c 'echo "Node.js $(node --version) from $(dirname "$(command -v node)")"
  node -e "new (require(\"better-sqlite3\"))(\":memory:\").prepare(\"select sqlite_version()\").get()"'
NODE_MAJOR="$major" scripts/node.sh "$@"
