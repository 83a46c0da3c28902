#!/usr/bin/env bash
# Checks that Google's Pub/Sub emulator (a Java program in the Cloud SDK, on this machine image as the Debian
# package google-cloud-cli-pubsub-emulator) is where the bridge-gke subscriber tests look for it:
# platform/pubsub-emulator/bin/cloud-pubsub-emulator under `gcloud info --format='value(installation.sdk_root)'`.
# Installs the package when gcloud came from apt and we may install; quick and quiet when present.
set -euo pipefail

emulator_bin() {
  local root
  root=$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null) || return 1
  [ -n "$root" ] && [ -x "$root/platform/pubsub-emulator/bin/cloud-pubsub-emulator" ] \
    && echo "$root/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
}

if ! command -v gcloud >/dev/null 2>&1; then
  echo "pubsub-emulator.sh: gcloud not found; install the Cloud SDK with the pubsub-emulator component for the bridge-gke subscriber tests" >&2
  exit 1
fi
if emulator_bin >/dev/null; then
  exit 0
fi
if dpkg -s google-cloud-cli >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  echo "pubsub-emulator.sh: installing google-cloud-cli-pubsub-emulator"
  $sudo apt-get install -y -q google-cloud-cli-pubsub-emulator >/dev/null
else
  echo "pubsub-emulator.sh: installing the pubsub-emulator component"
  gcloud components install pubsub-emulator --quiet
fi
emulator_bin >/dev/null || { echo "pubsub-emulator.sh: the emulator is still missing after the install" >&2; exit 1; }
