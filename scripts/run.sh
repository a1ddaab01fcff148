#!/usr/bin/env bash
# Runs a command with the project's environment (Node 24, pinned Pulumi CLI,
# offline settings) after set-up, e.g. `bash scripts/run.sh tsx bench/cluster.ts`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$KC_ROOT/scripts/setup.sh" >/dev/null
cd "$KC_ROOT"
exec "$@"
