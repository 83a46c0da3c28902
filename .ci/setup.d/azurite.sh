#!/usr/bin/env bash
# Installs Azurite (the Azure Storage emulator) for the bridge-aks tests: the real BlobCheckpointStore runs
# against it. Idempotent: quick when the pinned version is already in .ci/azurite/.
# 3.35.0 is the newest Azurite that supports Node 20 (3.36 needs Node 21, 3.37 needs Node 22).
set -euo pipefail
cd "$(dirname "$0")/../.."

version="${AZURITE_VERSION:-3.35.0}"
dir=.ci/azurite
installed="$dir/node_modules/azurite/package.json"

if [ -x "$dir/node_modules/.bin/azurite-blob" ] && [ -f "$installed" ] \
    && grep -q "\"version\": \"$version\"" "$installed"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "azurite.sh: npm not found; install Node.js (>= 18) to run the bridge-aks Azurite tests" >&2
  exit 1
fi
mkdir -p "$dir"
echo "azurite.sh: installing azurite@$version into $dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "azurite@$version"
"$dir/node_modules/.bin/azurite-blob" --version
