#!/usr/bin/env bash
# Runs a command with the project's environment (Node 24, the Pulumi CLI,
# offline settings) after a quiet set-up, which prints only the steps that
# still have work to do, e.g. `bash scripts/run.sh tsx bench/cluster.ts`.
# With `--for test` first, it sets up what only the tests need too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
for="up"
if [ "${1:-}" = "--for" ] && [ $# -ge 2 ]; then
  for="$2"
  shift 2
fi
bash "$KC_ROOT/scripts/setup.sh" --for "$for" --quiet
cd "$KC_ROOT"
exec "$@"
