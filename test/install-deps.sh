#!/usr/bin/env bash
# System packages the tests use: a real Kamailio (registrar, proxy, presence), sipp, Debian's
# Chromium for the end-to-end tests, iproute2 for the loopback-only network namespace, libudev-dev
# for the HID descriptor addon that `npm ci` builds (native/; hidapi's hidraw backend needs it).
# python3, make and g++: node-gyp builds that addon and better-sqlite3 from source.
set -euo pipefail
packages=(kamailio kamailio-websocket-modules kamailio-presence-modules sip-tester chromium iproute2 util-linux fonts-noto-cjk libudev-dev python3 make g++)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all system packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package enables a system Kamailio service; the tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now kamailio >/dev/null 2>&1 || true; fi
