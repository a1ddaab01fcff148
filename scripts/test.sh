#!/usr/bin/env bash
# The whole test suite: sets up what is missing (the tests' tools too), then
# runs the type check, the formatter and linter checks, unit, integration (real ZooKeeper and brokers) and
# end-to-end (real Pulumi CLI) tests.
# Arguments go to vitest, e.g. `npm test -- --project unit`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$KC_ROOT/scripts/setup.sh" --for test
cd "$KC_ROOT"
echo "==> type check, format, lint" >&2
tsc --noEmit -p .
prettier --check --log-level warn .
eslint .
exec vitest run "$@"
