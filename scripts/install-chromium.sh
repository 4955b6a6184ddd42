#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/browser.test.ts), which drive it with
# playwright-core. Idempotent: does nothing when a chromium is already on PATH. Needs root (CI
# machines run as root) or sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium present: $(command -v chromium)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-chromium: not root and no sudo; install Debian's chromium package by hand" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
echo "chromium installed: $(command -v chromium)"
