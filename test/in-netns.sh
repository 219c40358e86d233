#!/usr/bin/env bash
# Runs a command inside a private network namespace that has only the loopback interface, so
# that nothing a test starts (Kamailio, sipp, Chromium's WebRTC) can send a packet beyond
# 127.0.0.1. Needs root, or unprivileged user namespaces (then Kamailio keeps its user).
set -euo pipefail
if [ -z "${HOOKSWITCH_IN_NETNS:-}" ]; then
  if unshare -n true 2>/dev/null; then
    exec env HOOKSWITCH_IN_NETNS=1 unshare -n "$0" "$@"
  elif unshare -rn true 2>/dev/null; then
    exec env HOOKSWITCH_IN_NETNS=1 HOOKSWITCH_KAMAILIO_NO_DROP=1 unshare -rn "$0" "$@"
  else
    echo "in-netns: cannot create a network namespace (need root or unprivileged user namespaces)" >&2
    exit 2
  fi
fi
ip link set lo up
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH" exec "$@"
