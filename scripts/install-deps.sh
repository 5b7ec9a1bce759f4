#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for berth (idempotent), then builds it.
# Packages: runc (containers), nftables + iproute2 + conntrack (kernel networking), busybox-static (the
# local busybox image), gcc + make (berth-shim), iperf3 (benchmarks), dnsutils (dig, for checks),
# curl (the seed tutorials' browser in tests), procps (ps, for docker top).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(runc nftables iproute2 conntrack busybox-static gcc make libc6-dev iperf3 dnsutils util-linux tar curl procps)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi
npm run -s build
