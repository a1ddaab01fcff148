#!/usr/bin/env bash
# Runs the pinned Pulumi CLI with the project's offline settings, e.g.
# `npm run pulumi -- stack output bootstrapServers` or `npm run pulumi -- destroy --yes`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KC_ROOT"
mkdir -p "${PULUMI_BACKEND_URL#file://}"
exec pulumi "$@"
