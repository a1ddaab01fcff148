#!/usr/bin/env bash
# Tears a stack down (default: the `local` stack): stops every process and
# container and removes their data. The stack itself stays, so `npm run up`
# brings it back. Usage: npm run destroy [-- <stack> [pulumi destroy flags]]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$KC_ROOT/scripts/setup.sh" --for up --quiet
cd "$KC_ROOT"
stack="${1:-local}"
shift || true
mkdir -p "${PULUMI_BACKEND_URL#file://}"
exec pulumi destroy --yes --stack "$stack" "$@"
