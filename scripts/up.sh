#!/usr/bin/env bash
# Brings a stack up (default: the `local` stack on loopback addresses), after
# setting up whatever `up` needs. Usage: npm run up [-- <stack> [pulumi up flags]]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$KC_ROOT/scripts/setup.sh" --for up
cd "$KC_ROOT"
stack="${1:-local}"
shift || true
mkdir -p "${PULUMI_BACKEND_URL#file://}"
pulumi stack select --create "$stack" --non-interactive >/dev/null
exec pulumi up --yes --stack "$stack" "$@"
