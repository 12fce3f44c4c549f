#!/usr/bin/env bash
# Installs Debian's Chromium, the Noto CJK fonts and poppler for the browser and QR poster tests, only
# when missing, so a warm CI image skips apt entirely. The e2e specs drive
# /usr/bin/chromium through playwright-core (no bundled browser download).
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
# pdftoppm renders poster pages so the QR test can decode them.
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)

if [ ${#need[@]} -eq 0 ]; then
  echo "chromium, fonts-noto-cjk and poppler-utils already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
