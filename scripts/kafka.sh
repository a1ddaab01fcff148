#!/usr/bin/env bash
# Runs one of Kafka's command-line tools from the jars set-up cached, as the
# tutorial runs bin/kafka-*.sh, e.g.
#   npm run kafka -- console-producer --bootstrap-server 127.0.10.1:9092 --topic Hello-Kafka
# The tool's name may also be given as the script's, e.g. kafka-console-producer.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

tools="console-producer console-consumer topics configs consumer-groups get-offsets"
tool="${1:-}"
tool="${tool#kafka-}"
tool="${tool%.sh}"
case "$tool" in
  console-producer) main=kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  configs) main=kafka.admin.ConfigCommand ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  get-offsets) main=org.apache.kafka.tools.GetOffsetShell ;;
  *)
    echo "usage: npm run kafka -- <tool> [arguments], a tool of: $tools" >&2
    exit 2
    ;;
esac
shift
[ -f "$KC_KAFKA_LIBS/.complete" ] || bash "$KC_ROOT/scripts/setup.sh" --for up --quiet
# Warnings and errors to stderr, as Kafka's own tools-log4j.properties has it.
exec java -Xmx256m -XX:+UseSerialGC -Dlog4j.configuration="file:$KC_ROOT/support/tools-log4j.properties" \
  -cp "$KC_KAFKA_LIBS/*" "$main" "$@"
