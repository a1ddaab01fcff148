# shellcheck shell=bash
# Shared environment for the project's scripts: where the toolchain is cached,
# which versions are pinned (toolchain.json), and how Pulumi runs offline.
# Source it; it defines variables and functions and changes nothing on disk.

KC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KC_CACHE="${KAFKA_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-cluster}"

kc_version() { # kc_version <json path>, e.g. kc_version pulumi
  node -e 'const t=require(process.argv[1]);const v=process.argv[2].split(".").reduce((o,k)=>o[k],t);process.stdout.write(String(v))' \
    "$KC_ROOT/toolchain.json" "$1"
}

# One node start for the four, since every script sources this file.
read -r KC_KAFKA_VERSION KC_ZOOKEEPER_VERSION KC_PULUMI_VERSION KC_LANGHOST_VERSION < <(
  node -e 'const t=require(process.argv[1]);console.log(t.kafka,t.zookeeper,t.pulumi,t.pulumiLanguageNodejs.version)' \
    "$KC_ROOT/toolchain.json"
)

# Kafka, ZooKeeper and Kafka's tools share one classpath directory.
KC_KAFKA_LIBS="$KC_CACHE/kafka-$KC_KAFKA_VERSION-zk-$KC_ZOOKEEPER_VERSION/libs"
KC_PULUMI_BIN="$KC_CACHE/pulumi-v$KC_PULUMI_VERSION-host-v$KC_LANGHOST_VERSION/bin"
export KAFKA_CLUSTER_KAFKA_LIBS="$KC_KAFKA_LIBS"

# Pulumi: local file backend, no cloud account, no update check, no plugin
# downloads. The built-in passphrase is for the `local` stack only (the program
# refuses it for any other, stack/passphrase.ts): set your own
# PULUMI_CONFIG_PASSPHRASE_FILE or PULUMI_CONFIG_PASSPHRASE for other stacks.
# Not set when a passphrase file is given: Pulumi prefers the variable to the file.
export PULUMI_HOME="${PULUMI_HOME:-$KC_CACHE/pulumi-home}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$KC_ROOT/.pulumi-state}"
if [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-kafka-cluster-local}"
fi
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=false
# The program is transpiled, not type-checked, on every preview and up (~2 s
# saved each): `npm test` and CI type-check it with `tsc --noEmit`.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY-true}"

# The first pulumi on PATH other than the one set-up builds, if any.
kc_path_pulumi() {
  local p
  while read -r p; do
    if [ "$(dirname "$p")" != "$KC_PULUMI_BIN" ]; then
      echo "$p"
      break
    fi
  done < <(type -aP pulumi)
  return 0
}

# kc_pulumi_check <pulumi>: whether that CLI can stand in for the pinned one:
# the same major version, at least the pinned minor version, and its Node.js
# language host beside it (as official installs have it). Prints its version,
# and why not when it cannot.
kc_pulumi_check() {
  local v maj min pmaj pmin
  if ! v="$("$1" version 2>/dev/null)"; then
    echo "'$1 version' failed"
    return 1
  fi
  IFS=. read -r maj min _ <<<"${v#v}"
  IFS=. read -r pmaj pmin _ <<<"$KC_PULUMI_VERSION"
  if ! [[ "$maj" =~ ^[0-9]+$ && "$min" =~ ^[0-9]+$ ]] || [ "$maj" != "$pmaj" ]; then
    echo "$v, not major version $pmaj"
    return 1
  fi
  if [ "$min" -lt "$pmin" ]; then
    echo "$v, older than v$pmaj.$pmin"
    return 1
  fi
  if [ ! -x "$(dirname "$1")/pulumi-language-nodejs" ]; then
    echo "$v, without pulumi-language-nodejs beside it"
    return 1
  fi
  echo "$v"
}

# The project's Node.js (24, from node_modules) first, then the Pulumi CLI: a
# pulumi on PATH that kc_pulumi_check accepts wins over the one set-up builds
# (KC_PULUMI_FROM_PATH names it; empty when the built one is used).
kc_path_prepend() { case ":$PATH:" in *":$1:"*) ;; *) PATH="$1:$PATH" ;; esac; }
KC_PULUMI_FROM_PATH="$(kc_path_pulumi)"
if [ -z "$KC_PULUMI_FROM_PATH" ] || ! kc_pulumi_check "$KC_PULUMI_FROM_PATH" >/dev/null; then
  KC_PULUMI_FROM_PATH=""
  kc_path_prepend "$KC_PULUMI_BIN"
fi
kc_path_prepend "$KC_ROOT/node_modules/.bin"
export PATH
