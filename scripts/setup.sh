#!/usr/bin/env bash
# Installs what the project needs outside the repository, idempotently and
# cached, so a second run costs seconds. Versions are pinned in toolchain.json;
# the cache is $KAFKA_CLUSTER_CACHE (default ~/.cache/kafka-cluster).
#
#   setup.sh [--for up|test] [--kafka-version 3.9.N]... [--quiet]
#   --for up     what `npm run up` and the stack commands need: the npm packages
#                (Node.js 24), the KafkaTopic provider bundle, the Kafka and
#                ZooKeeper jars, the Pulumi CLI and the policy pack analyzer
#   --for test   (default) that, and what only the tests need: actionlint and
#                the Debian packages of toolchain.json's apt.test, and the jars of
#                toolchain.json's kafkaUpgradeFrom (the rolling upgrade test's start)
#   --kafka-version  also cache the jars of another Kafka 3.9.x, so a local
#                stack can run it (and roll from or onto it: docs/changes.md)
#   --quiet      say nothing when everything is in place; else only the steps that work
#
# Everything goes to stderr, so the stdout of a command run after it stays clean.
set -eEuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec >&2

usage() { echo "usage: setup.sh [--for up|test] [--kafka-version 3.9.N]... [--quiet]"; exit 2; }
KC_FOR="test"
KC_QUIET=false
KC_EXTRA_KAFKA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kafka-version) [ $# -ge 2 ] || usage; KC_EXTRA_KAFKA+=("$2"); shift 2 ;;
    --kafka-version=*) KC_EXTRA_KAFKA+=("${1#--kafka-version=}"); shift ;;
    --for) [ $# -ge 2 ] || usage; KC_FOR="$2"; shift 2 ;;
    --for=*) KC_FOR="${1#--for=}"; shift ;;
    --quiet) KC_QUIET=true; shift ;;
    *) usage ;;
  esac
done
case "$KC_FOR" in up | test) ;; *) usage ;; esac
[ "$KC_FOR" != test ] || KC_EXTRA_KAFKA+=("$(kc_version kafkaUpgradeFrom.version)")
for v in ${KC_EXTRA_KAFKA[@]+"${KC_EXTRA_KAFKA[@]}"}; do
  # It becomes a Maven property and a directory name: 3.9.x only, the last line with ZooKeeper.
  [[ "$v" =~ ^3\.9\.[0-9]+$ ]] || { echo "setup: --kafka-version must be a Kafka 3.9.x version, got '$v'"; exit 2; }
done

KC_STEP=""
KC_HINT=""
KC_NOTE=""
KC_ANNOUNCED=false
KC_TMP="" # the directory a step is filling, removed if it fails
kc_fail() {
  local rc=$?
  # A subshell's failure is reported by the shell that started it.
  [ "$BASH_SUBSHELL" -eq 0 ] || exit "$rc"
  [ -z "$KC_TMP" ] || rm -rf "$KC_TMP"
  echo "setup: step '$KC_STEP' failed (exit $rc)."
  [ -z "$KC_HINT" ] || echo "setup: $KC_HINT"
  exit "$rc"
}
trap kc_fail ERR

# kc_step <title> <hint on failure> <name>: <name>_ready is a quick check that
# sets KC_NOTE to what is in place (or why it is not); <name>_install runs only
# when it fails.
kc_step() {
  KC_STEP="$1"
  KC_HINT="$2"
  KC_NOTE=""
  if "$3_ready"; then
    $KC_QUIET || echo "==> $1: $KC_NOTE"
    return 0
  fi
  if $KC_QUIET && ! $KC_ANNOUNCED; then
    echo "setup: installing what is missing (a first run builds the Pulumi CLI: several minutes)"
    KC_ANNOUNCED=true
  fi
  echo "==> $1"
  [ -z "$KC_NOTE" ] || echo "    $KC_NOTE"
  local start=$SECONDS
  "$3_install"
  echo "    done in $((SECONDS - start)) s"
}

# kc_long <label> <noun> <command...>: a long command, its output kept in a
# log. Prints a line every 10 s, with the time so far and, given a noun, the
# lines of output so far (e.g. Go packages compiled); the log's tail if it fails.
kc_long() {
  local label="$1" noun="$2" log rc=0
  shift 2
  log="$(mktemp)"
  "$@" 2>&1 | tee "$log" | kc_ticker "$label" "$noun" || rc=$?
  [ "$rc" -eq 0 ] || tail -n 40 "$log"
  rm -f "$log"
  return "$rc"
}

kc_ticker() { # kc_ticker <label> <noun>: counts lines of stdin, reporting every 10 s
  local n=0 start=$SECONDS next=$((SECONDS + 10))
  while :; do
    if IFS= read -r -t 2 _; then
      n=$((n + 1))
    elif [ $? -le 128 ]; then # end of input, not a timeout
      break
    fi
    if [ "$SECONDS" -ge "$next" ]; then
      echo "    ... $1: $((SECONDS - start)) s${2:+, $n $2}"
      next=$((SECONDS + 10))
    fi
  done
}

# --- npm dependencies (Node.js 24) and the KafkaTopic provider bundle ------
kc_lock_sha() { sha256sum <"$KC_ROOT/package-lock.json" | cut -c1-16; }
npm_ready() {
  local stamp="$KC_ROOT/node_modules/.kc-lock"
  [ -f "$stamp" ] || return 1
  # Stamps of earlier set-ups hashed the lock file's path too.
  if [ "$(cat "$stamp")" = "$(sha256sum "$KC_ROOT/package-lock.json" | sha256sum | cut -c1-16)" ]; then
    kc_lock_sha >"$stamp"
  fi
  [ "$(cat "$stamp")" = "$(kc_lock_sha)" ] || return 1
  KC_NOTE="node_modules matches package-lock.json; node $("$KC_ROOT/node_modules/.bin/node" --version)"
}
npm_install() {
  (cd "$KC_ROOT" && kc_long "npm ci" "" npm ci --no-audit --no-fund --loglevel=error)
  kc_lock_sha >"$KC_ROOT/node_modules/.kc-lock"
  echo "    node $("$KC_ROOT/node_modules/.bin/node" --version) from node_modules"
}

# The KafkaTopic provider's code, which the provider host loads
# (topics/resource.ts): built here too so a destroy works before any program
# run. The build keeps its own cache, so it is always asked, quietly.
provider_bundle() {
  local out
  if ! out="$(cd "$KC_ROOT" && tsx -e 'require("./topics/resource").buildTopicProvider()' 2>&1)"; then
    KC_STEP="KafkaTopic provider bundle"
    KC_HINT="See the error above; 'npx tsc --noEmit -p .' checks the code."
    echo "$out"
    return 1
  fi
  $KC_QUIET || echo "==> KafkaTopic provider: bundled in node_modules/.cache/kafka-cluster"
}

# --- Kafka, Kafka's tools and ZooKeeper from Maven Central ------------------
# For the version in KC_KV, into KC_KV_LIBS (kc_kafka_for sets both).
kc_kafka_for() {
  KC_KV="$1"
  KC_KV_LIBS="$KC_CACHE/kafka-$KC_KV-zk-$KC_ZOOKEEPER_VERSION/libs"
  [ "$KC_KV" != "$KC_KAFKA_VERSION" ] || KC_KV_LIBS="$KC_KAFKA_LIBS"
}
kafka_ready() {
  [ -f "$KC_KV_LIBS/.complete" ] || return 1
  KC_NOTE="cached in $KC_KV_LIBS"
}
kafka_install() {
  local tmp="$KC_KV_LIBS.tmp.$$"
  KC_TMP="$tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  kc_long "mvn dependency:copy-dependencies" "" \
    mvn -B -q -Dstyle.color=never -f "$KC_ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$KC_KV" -Dzookeeper.version="$KC_ZOOKEEPER_VERSION" \
    -DincludeScope=runtime -DoutputDirectory="$tmp"
  ls "$tmp"/kafka_2.13-"$KC_KV".jar "$tmp"/kafka-tools-"$KC_KV".jar \
    "$tmp"/zookeeper-"$KC_ZOOKEEPER_VERSION".jar >/dev/null
  touch "$tmp/.complete"
  rm -rf "$KC_KV_LIBS"
  mkdir -p "$(dirname "$KC_KV_LIBS")"
  mv "$tmp" "$KC_KV_LIBS"
  echo "    $(find "$KC_KV_LIBS" -name '*.jar' | wc -l) jars in $KC_KV_LIBS"
}

# --- The Pulumi CLI and the Node.js language host ---------------------------
go_build() { # go_build <label> <wrapper module dir> <package> <output> [ldflags]
  local label="$1" dir="$2" pkg="$3" out="$4" ldflags="${5:-}"
  (cd "$dir" && kc_long "$label" "packages" env GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
    go build -v -trimpath -ldflags "-s -w $ldflags" -o "$out" "$pkg")
}

pulumi_ready() {
  if [ -n "$KC_PULUMI_FROM_PATH" ]; then
    KC_NOTE="using $KC_PULUMI_FROM_PATH, $(kc_pulumi_check "$KC_PULUMI_FROM_PATH") (pinned: v$KC_PULUMI_VERSION; v${KC_PULUMI_VERSION%.*} or a later v${KC_PULUMI_VERSION%%.*} will do)"
    return 0
  fi
  local other
  other="$(kc_path_pulumi)"
  [ -z "$other" ] || KC_NOTE="not using $other ($(kc_pulumi_check "$other" || true)); "
  [ -f "$KC_PULUMI_BIN/.complete" ] || { KC_NOTE="${KC_NOTE}building v$KC_PULUMI_VERSION"; return 1; }
  KC_NOTE="${KC_NOTE}v$KC_PULUMI_VERSION cached in $KC_PULUMI_BIN"
}
pulumi_install() {
  grep -q "github.com/pulumi/pulumi/pkg/v3 v$KC_PULUMI_VERSION\$" "$KC_ROOT/scripts/pulumi/cli/go.mod" || {
    echo "    scripts/pulumi/cli/go.mod does not require pkg/v3 v$KC_PULUMI_VERSION (toolchain.json)"
    return 1
  }
  local tmp="$KC_PULUMI_BIN.tmp.$$"
  KC_TMP="$tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  echo "    building pulumi v$KC_PULUMI_VERSION from the Go module proxy (minutes on a cold cache)"
  go_build "go build pulumi" "$KC_ROOT/scripts/pulumi/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$tmp/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$KC_PULUMI_VERSION"
  echo "    building pulumi-language-nodejs (sdk/v3 v$KC_LANGHOST_VERSION)"
  go_build "go build pulumi-language-nodejs" "$KC_ROOT/scripts/pulumi/language-nodejs" \
    "$(kc_version pulumiLanguageNodejs.package)" "$tmp/pulumi-language-nodejs"
  [ "$("$tmp/pulumi" version)" = "v$KC_PULUMI_VERSION" ]
  touch "$tmp/.complete"
  rm -rf "$KC_PULUMI_BIN"
  mv "$tmp" "$KC_PULUMI_BIN"
  echo "    $("$KC_PULUMI_BIN/pulumi" version) in $KC_PULUMI_BIN"
}

# scripts/pulumi-analyzer-policy, beside the built pulumi under the names the
# CLI looks up for Node.js policy packs (docs/ci-and-policies.md).
KC_ANALYZER_NAMES=(pulumi-analyzer-policy pulumi-analyzer-policy-nodejs)
analyzer_ready() {
  if [ -n "$KC_PULUMI_FROM_PATH" ]; then
    KC_NOTE="not needed: the pulumi on PATH runs policy packs with its own language host"
    return 0
  fi
  local name
  for name in "${KC_ANALYZER_NAMES[@]}"; do
    cmp -s "$KC_ROOT/scripts/pulumi-analyzer-policy" "$KC_PULUMI_BIN/$name" || return 1
  done
  KC_NOTE="pulumi-analyzer-policy in $KC_PULUMI_BIN"
}
analyzer_install() {
  local name
  for name in "${KC_ANALYZER_NAMES[@]}"; do
    install -m 0755 "$KC_ROOT/scripts/pulumi-analyzer-policy" "$KC_PULUMI_BIN/$name"
  done
  echo "    pulumi-analyzer-policy in $KC_PULUMI_BIN"
}

# --- For the tests: actionlint and Debian packages --------------------------
KC_ACTIONLINT_VERSION="$(kc_version actionlint.version)"
KC_ACTIONLINT_DIR="$KC_CACHE/actionlint-v$KC_ACTIONLINT_VERSION"
actionlint_ready() {
  [ -f "$KC_ACTIONLINT_DIR/.complete" ] || return 1
  KC_NOTE="cached in $KC_ACTIONLINT_DIR"
}
actionlint_install() {
  grep -q "github.com/rhysd/actionlint v$KC_ACTIONLINT_VERSION\$" "$KC_ROOT/scripts/actionlint/go.mod" || {
    echo "    scripts/actionlint/go.mod does not require actionlint v$KC_ACTIONLINT_VERSION (toolchain.json)"
    return 1
  }
  local tmp="$KC_ACTIONLINT_DIR.tmp.$$"
  KC_TMP="$tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  go_build "go build actionlint" "$KC_ROOT/scripts/actionlint" "$(kc_version actionlint.package)" "$tmp/actionlint"
  [ "$("$tmp/actionlint" -version | head -n1)" = "v$KC_ACTIONLINT_VERSION" ]
  touch "$tmp/.complete"
  rm -rf "$KC_ACTIONLINT_DIR"
  mv "$tmp" "$KC_ACTIONLINT_DIR"
  echo "    $("$KC_ACTIONLINT_DIR/actionlint" -version | head -n1) in $KC_ACTIONLINT_DIR"
}

# toolchain.json's apt.up, and with --for test apt.test too.
mapfile -t KC_APT < <(node -e 'const a=require(process.argv[1]).apt;
  for (const p of [...a.up, ...(process.argv[2] === "test" ? a.test : [])]) console.log(p)' \
  "$KC_ROOT/toolchain.json" "$KC_FOR")
KC_APT_MISSING=()
apt_ready() {
  local pkg
  KC_APT_MISSING=()
  for pkg in "${KC_APT[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || KC_APT_MISSING+=("$pkg")
  done
  [ ${#KC_APT_MISSING[@]} -eq 0 ] || { KC_NOTE="missing: ${KC_APT_MISSING[*]}"; return 1; }
  KC_NOTE="installed: ${KC_APT[*]}"
}
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  kc_long "apt-get update" "" $sudo apt-get update -qq
  kc_long "apt-get install" "" $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${KC_APT_MISSING[@]}"
  echo "    installed ${KC_APT_MISSING[*]}"
}

total=$SECONDS
kc_step "npm dependencies (Node.js 24)" \
  "Check that the npm registry is reachable and package-lock.json is committed; rerun 'npm run setup'." npm
provider_bundle
for v in "$KC_KAFKA_VERSION" ${KC_EXTRA_KAFKA[@]+"${KC_EXTRA_KAFKA[@]}"}; do
  kc_kafka_for "$v"
  kc_step "Kafka $KC_KV and ZooKeeper $KC_ZOOKEEPER_VERSION jars" \
    "Needs mvn (Maven) and Java 17+ on PATH and Maven Central reachable; see scripts/kafka/pom.xml." kafka
done
kc_step "Pulumi CLI v$KC_PULUMI_VERSION and Node.js language host" \
  "Needs Go 1.26+ and the Go module proxy; or put pulumi v${KC_PULUMI_VERSION%.*}.x or later (same major version), with pulumi-language-nodejs beside it, on PATH." \
  pulumi
kc_step "Policy pack analyzer" \
  "Needs write access to $KC_PULUMI_BIN; see scripts/pulumi-analyzer-policy." analyzer
if [ "$KC_FOR" = test ]; then
  kc_step "actionlint $KC_ACTIONLINT_VERSION" \
    "Needs Go 1.26+ and the Go module proxy (github.com/rhysd/actionlint); see scripts/actionlint/go.mod." actionlint
fi
if [ ${#KC_APT[@]} -gt 0 ]; then
  kc_step "Debian packages" \
    "Needs apt-get as root (or sudo); install them by hand: ${KC_APT[*]}." apt
fi
if ! $KC_QUIET || $KC_ANNOUNCED; then
  echo "setup: ready for '$KC_FOR' in $((SECONDS - total)) s (cache: $KC_CACHE)"
fi
