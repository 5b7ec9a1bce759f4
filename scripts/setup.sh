#!/usr/bin/env bash
# Sets up berth on this machine and starts it: dependencies, build, the daemon (in the
# background, log in /var/log/berthd.log), the busybox:latest image made from the host's
# busybox-static, and a first container. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "berth setup must run as root" >&2; exit 1; }

scripts/install-deps.sh
ln -sf "$PWD/bin/berth" /usr/local/bin/berth
ln -sf "$PWD/bin/berthd" /usr/local/bin/berthd

if ! berth version >/dev/null 2>&1; then
  nohup berthd >>/var/log/berthd.log 2>&1 &
  for _ in $(seq 1 100); do berth version >/dev/null 2>&1 && break; sleep 0.1; done
  berth version >/dev/null || { echo "berthd did not start; see /var/log/berthd.log" >&2; exit 1; }
fi

if ! berth image inspect busybox:latest >/dev/null 2>&1; then
  scripts/busybox-rootfs.sh | berth image import --change 'CMD ["sh"]' - busybox:latest
fi

berth run --rm busybox echo hi
