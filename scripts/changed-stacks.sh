#!/usr/bin/env bash
# Prints, as a JSON array, the stacks a change touches: every stack when the
# program changes (code, dependencies, policies), else the stacks whose
# Pulumi.<stack>.yaml changed. Changed paths come on stdin, one a line, e.g.
# `git diff --name-only "$BASE" "$HEAD" | bash scripts/changed-stacks.sh`.
# Used by .github/workflows/preview.yml to choose what to preview.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# What every stack runs: a change here can change any stack's preview.
program='^(index\.ts|Pulumi\.yaml|package\.json|package-lock\.json|toolchain\.json|tsconfig\.json|(infra|topics|consumer|policy|ci)/.*)$'

all_stacks() {
  local f
  for f in Pulumi.*.yaml; do
    [ -f "$f" ] || continue
    f="${f#Pulumi.}"
    echo "${f%.yaml}"
  done
}

changed="$(cat)"
if grep -Eq "$program" <<<"$changed"; then
  stacks="$(all_stacks)"
else
  stacks="$(sed -nE 's/^Pulumi\.([^/]+)\.yaml$/\1/p' <<<"$changed" | while read -r s; do
    # A deleted stack file has nothing left to preview.
    if [ -f "Pulumi.$s.yaml" ]; then echo "$s"; fi
  done)"
fi
printf '['
sep=""
while read -r s; do
  [ -n "$s" ] || continue
  printf '%s"%s"' "$sep" "$s"
  sep=","
done < <(sort -u <<<"$stacks")
printf ']\n'
