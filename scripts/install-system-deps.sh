#!/usr/bin/env bash
# Debian packages the test suite needs: a PostgreSQL server (the store contract and e2e tests
# start their own), Chromium (the Agents Playground browser test) and LibreOffice Writer (the
# Word minutes are converted to PDF, as a secretary would). Idempotent.
set -euo pipefail
packages=(postgresql chromium fonts-dejavu-core libreoffice-writer-nogui)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
