#!/usr/bin/env bash
# Installs everything the project needs outside the repository, idempotently:
# Node.js 24 and the npm packages, Kafka and ZooKeeper jars, the Pulumi CLI and
# its Node.js language host, the policy analyzer shim, actionlint, and Debian
# packages. A second run costs seconds.
# Versions are pinned in toolchain.json; the cache is $KAFKA_CLUSTER_CACHE
# (default ~/.cache/kafka-cluster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

KC_STEP=""
KC_HINT=""
kc_fail() {
  local rc=$?
  echo "setup: step '$KC_STEP' failed (exit $rc)." >&2
  [ -n "$KC_HINT" ] && echo "setup: $KC_HINT" >&2
  exit "$rc"
}
trap kc_fail ERR

kc_step() { # kc_step <name> <hint on failure> <function>
  KC_STEP="$1"; KC_HINT="$2"
  local start=$SECONDS
  echo "==> $1"
  "$3"
  echo "    done in $((SECONDS - start)) s"
}

kc_sha() { sha256sum "$@" | sha256sum | cut -c1-16; }

# --- 1. Node.js 24 and the npm dependencies ---------------------------------
npm_deps() {
  local stamp="$KC_ROOT/node_modules/.kc-lock" want
  want="$(kc_sha "$KC_ROOT/package-lock.json")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "    node_modules matches package-lock.json"
  else
    (cd "$KC_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
  echo "    node $("$KC_ROOT/node_modules/.bin/node" --version) from node_modules"
  # The KafkaTopic provider's code, which the provider host loads (topics/resource.ts):
  # built here too so a destroy works before any program run.
  (cd "$KC_ROOT" && PATH="$KC_ROOT/node_modules/.bin:$PATH" tsx -e 'require("./topics/resource").buildTopicProvider()')
  echo "    KafkaTopic provider bundled into node_modules/.cache/kafka-cluster"
}

# --- 2. Kafka, Kafka's tools and ZooKeeper from Maven Central ---------------
kafka_jars() {
  if [ -f "$KC_KAFKA_LIBS/.complete" ]; then
    echo "    cached in $KC_KAFKA_LIBS"
    return
  fi
  local tmp="$KC_KAFKA_LIBS.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  mvn -B -q -Dstyle.color=never -f "$KC_ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$KC_KAFKA_VERSION" -Dzookeeper.version="$KC_ZOOKEEPER_VERSION" \
    -DincludeScope=runtime -DoutputDirectory="$tmp"
  ls "$tmp"/kafka_2.13-"$KC_KAFKA_VERSION".jar "$tmp"/kafka-tools-"$KC_KAFKA_VERSION".jar \
    "$tmp"/zookeeper-"$KC_ZOOKEEPER_VERSION".jar >/dev/null
  touch "$tmp/.complete"
  rm -rf "$KC_KAFKA_LIBS"; mv "$tmp" "$KC_KAFKA_LIBS"
  echo "    $(ls "$KC_KAFKA_LIBS" | wc -l) jars in $KC_KAFKA_LIBS"
}

# --- 3. The Pulumi CLI and the Node.js language host ------------------------
go_build() { # go_build <wrapper module dir> <package> <output> [ldflags]
  (cd "$1" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
    go build -trimpath -ldflags "-s -w ${4:-}" -o "$3" "$2")
}

pulumi_cli() {
  if command -v pulumi >/dev/null 2>&1 && [ "$(pulumi version)" = "v$KC_PULUMI_VERSION" ] &&
    command -v pulumi-language-nodejs >/dev/null 2>&1; then
    echo "    using $(command -v pulumi) ($(pulumi version))"
    return
  fi
  if [ -f "$KC_PULUMI_BIN/.complete" ]; then
    echo "    cached in $KC_PULUMI_BIN"
    return
  fi
  grep -q "github.com/pulumi/pulumi/pkg/v3 v$KC_PULUMI_VERSION\$" "$KC_ROOT/scripts/pulumi/cli/go.mod" || {
    echo "    scripts/pulumi/cli/go.mod does not require pkg/v3 v$KC_PULUMI_VERSION (toolchain.json)" >&2
    return 1
  }
  local tmp="$KC_PULUMI_BIN.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  echo "    building pulumi v$KC_PULUMI_VERSION from the Go module proxy (minutes on a cold cache)"
  go_build "$KC_ROOT/scripts/pulumi/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$tmp/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$KC_PULUMI_VERSION"
  echo "    building pulumi-language-nodejs (sdk/v3 v$KC_LANGHOST_VERSION)"
  go_build "$KC_ROOT/scripts/pulumi/language-nodejs" "$(kc_version pulumiLanguageNodejs.package)" \
    "$tmp/pulumi-language-nodejs"
  [ "$("$tmp/pulumi" version)" = "v$KC_PULUMI_VERSION" ]
  touch "$tmp/.complete"
  rm -rf "$KC_PULUMI_BIN"; mv "$tmp" "$KC_PULUMI_BIN"
  echo "    $("$KC_PULUMI_BIN/pulumi" version) in $KC_PULUMI_BIN"
}

# --- 4. The policy pack's analyzer shim and actionlint ----------------------
# scripts/pulumi-analyzer-policy, beside the built pulumi under the names the
# CLI looks up for Node.js policy packs (README, "CI previews and policies").
policy_analyzer() {
  if [ ! -f "$KC_PULUMI_BIN/.complete" ]; then
    echo "    pulumi on PATH is not the one built here; its own language host runs policy packs"
    return
  fi
  local name
  for name in pulumi-analyzer-policy pulumi-analyzer-policy-nodejs; do
    if ! cmp -s "$KC_ROOT/scripts/pulumi-analyzer-policy" "$KC_PULUMI_BIN/$name"; then
      install -m 0755 "$KC_ROOT/scripts/pulumi-analyzer-policy" "$KC_PULUMI_BIN/$name"
    fi
  done
  echo "    pulumi-analyzer-policy in $KC_PULUMI_BIN"
}

actionlint_bin() {
  local version dir
  version="$(kc_version actionlint.version)"
  dir="$KC_CACHE/actionlint-v$version"
  if [ -f "$dir/.complete" ]; then
    echo "    cached in $dir"
    return
  fi
  grep -q "github.com/rhysd/actionlint v$version\$" "$KC_ROOT/scripts/actionlint/go.mod" || {
    echo "    scripts/actionlint/go.mod does not require actionlint v$version (toolchain.json)" >&2
    return 1
  }
  local tmp="$dir.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  go_build "$KC_ROOT/scripts/actionlint" "$(kc_version actionlint.package)" "$tmp/actionlint"
  [ "$("$tmp/actionlint" -version | head -n1)" = "v$version" ]
  touch "$tmp/.complete"
  rm -rf "$dir"; mv "$tmp" "$dir"
  echo "    $("$dir/actionlint" -version | head -n1) in $dir"
}

# --- 5. Debian packages the tests use ---------------------------------------
apt_packages() {
  local missing=() pkg
  for pkg in $(node -p 'require(process.argv[1]).apt.join(" ")' "$KC_ROOT/toolchain.json"); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "    installed"
    return
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "    installed ${missing[*]}"
}

total=$SECONDS
kc_step "npm dependencies (Node.js 24)" \
  "Check that the npm registry is reachable and package-lock.json is committed; rerun 'npm run setup'." npm_deps
kc_step "Kafka $KC_KAFKA_VERSION and ZooKeeper $KC_ZOOKEEPER_VERSION jars" \
  "Needs mvn (Maven) and Java 17+ on PATH and Maven Central reachable; see scripts/kafka/pom.xml." kafka_jars
kc_step "Pulumi CLI v$KC_PULUMI_VERSION and Node.js language host" \
  "Needs Go 1.26+ and the Go module proxy; or put pulumi v$KC_PULUMI_VERSION and pulumi-language-nodejs on PATH." pulumi_cli
kc_step "Policy pack analyzer" \
  "Needs write access to $KC_PULUMI_BIN; see scripts/pulumi-analyzer-policy." policy_analyzer
kc_step "actionlint $(kc_version actionlint.version)" \
  "Needs Go 1.26+ and the Go module proxy (github.com/rhysd/actionlint); see scripts/actionlint/go.mod." actionlint_bin
kc_step "Debian packages" \
  "Needs apt-get as root (or sudo); install them by hand: $(node -p 'require(process.argv[1]).apt.join(" ")' "$KC_ROOT/toolchain.json")." apt_packages
echo "setup: ready in $((SECONDS - total)) s (cache: $KC_CACHE)"
