#!/usr/bin/env bash
# Installs moto's server (the AWS service mock) for the bridge-eks end-to-end tests against a third-party
# CloudWatch Logs implementation. Idempotent: quick when moto_server is already on the PATH.
set -euo pipefail

if command -v moto_server >/dev/null 2>&1; then
  exit 0
fi
python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  echo "moto.sh: python3 not found; install Python 3 to run the bridge-eks moto tests" >&2
  exit 1
fi
echo "moto.sh: installing moto[server] with $python"
"$python" -m pip install --quiet --disable-pip-version-check 'moto[server]'
command -v moto_server >/dev/null 2>&1 || { hash -r; command -v moto_server; } || {
  echo "moto.sh: moto installed but moto_server is not on the PATH (add $("$python" -m site --user-base)/bin)" >&2
  exit 1
}
