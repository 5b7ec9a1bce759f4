#!/usr/bin/env bash
# Runs berth's whole test suite (unit, kernel and integration tests; as root). Installs what is
# missing first. Integration tests run daemons inside their own network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
npm test
