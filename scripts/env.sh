# Shared environment for the project's scripts: where the toolchain is cached,
# which versions are pinned (toolchain.json), and how Pulumi runs offline.
# Source it; it defines variables and functions and changes nothing on disk.

KC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KC_CACHE="${KAFKA_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-cluster}"

kc_version() { # kc_version <json path>, e.g. kc_version pulumi
  node -e 'const t=require(process.argv[1]);const v=process.argv[2].split(".").reduce((o,k)=>o[k],t);process.stdout.write(String(v))' \
    "$KC_ROOT/toolchain.json" "$1"
}

KC_KAFKA_VERSION="$(kc_version kafka)"
KC_ZOOKEEPER_VERSION="$(kc_version zookeeper)"
KC_PULUMI_VERSION="$(kc_version pulumi)"
KC_LANGHOST_VERSION="$(kc_version pulumiLanguageNodejs.version)"

# Kafka, ZooKeeper and Kafka's tools share one classpath directory.
KC_KAFKA_LIBS="$KC_CACHE/kafka-$KC_KAFKA_VERSION-zk-$KC_ZOOKEEPER_VERSION/libs"
KC_PULUMI_BIN="$KC_CACHE/pulumi-v$KC_PULUMI_VERSION-host-v$KC_LANGHOST_VERSION/bin"
export KAFKA_CLUSTER_KAFKA_LIBS="$KC_KAFKA_LIBS"

# Pulumi: local file backend, no cloud account, no update check, no plugin
# downloads. The passphrase protects secrets of local stacks only; set your own
# PULUMI_CONFIG_PASSPHRASE for anything that matters.
export PULUMI_HOME="${PULUMI_HOME:-$KC_CACHE/pulumi-home}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$KC_ROOT/.pulumi-state}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-kafka-cluster-local}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=false
# The program is transpiled, not type-checked, on every preview and up (~2 s
# saved each): `npm test` and CI type-check it with `tsc --noEmit`.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY-true}"

# The project's Node.js (24, from node_modules) first, then the Pulumi CLI.
# A pulumi already on PATH at the pinned version wins over the built one.
kc_path_prepend() { case ":$PATH:" in *":$1:"*) ;; *) PATH="$1:$PATH" ;; esac; }
if ! command -v pulumi >/dev/null 2>&1 || [ "$(pulumi version 2>/dev/null)" != "v$KC_PULUMI_VERSION" ]; then
  kc_path_prepend "$KC_PULUMI_BIN"
fi
kc_path_prepend "$KC_ROOT/node_modules/.bin"
export PATH
