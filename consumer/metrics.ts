// Metric names and help texts. Partition and consumer-group metrics carry the
// names kafka_exporter uses, so existing dashboards work; the rest are ours.

export interface MetricSpec {
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
}

const m = (name: string, help: string, labels: readonly string[] = []): MetricSpec => ({ name, help, labels });
const TP = ["topic", "partition"] as const;
const GTP = ["consumergroup", "topic", "partition"] as const;

/** kafka_exporter's names and labels. */
export const EXPORTER = {
  brokers: m("kafka_brokers", "Number of brokers in the Kafka cluster."),
  topicPartitions: m("kafka_topic_partitions", "Number of partitions for this topic.", ["topic"]),
  leader: m("kafka_topic_partition_leader", "Leader broker ID of this topic/partition (-1 without a leader).", TP),
  replicas: m("kafka_topic_partition_replicas", "Number of replicas for this topic/partition.", TP),
  inSyncReplica: m("kafka_topic_partition_in_sync_replica", "Number of in-sync replicas for this topic/partition.", TP),
  underReplicated: m(
    "kafka_topic_partition_under_replicated_partition",
    "1 if this topic/partition is under replicated.",
    TP,
  ),
  leaderIsPreferred: m(
    "kafka_topic_partition_leader_is_preferred",
    "1 if this topic/partition is using the preferred broker.",
    TP,
  ),
  currentOffset: m("kafka_topic_partition_current_offset", "Current offset (high watermark) of a topic/partition.", TP),
  groupCurrentOffset: m(
    "kafka_consumergroup_current_offset",
    "Committed offset of a consumer group at a topic/partition.",
    GTP,
  ),
  groupLag: m("kafka_consumergroup_lag", "Current approximate lag of a consumer group at a topic/partition.", GTP),
} as const;

/** Ours: what kafka_exporter does not report. */
export const OWN = {
  minIsr: m(
    "kafka_health_partition_min_insync_replicas",
    "Effective min.insync.replicas of the partition's topic.",
    TP,
  ),
  atMinIsr: m("kafka_health_partition_at_min_isr", "1 if the ISR size equals min.insync.replicas.", TP),
  underMinIsr: m(
    "kafka_health_partition_under_min_isr",
    "1 if the ISR is below min.insync.replicas or there is no leader (acks=all producers fail).",
    TP,
  ),
  offline: m("kafka_health_partition_offline", "1 if the partition has no live leader.", TP),
  state: m(
    "kafka_health_partition_state",
    "1 for the partition's current state (offline, under_min_isr, at_min_isr, under_replicated, non_preferred_leader, ok).",
    [...TP, "state"],
  ),
  healthy: m("kafka_health_healthy", "1 when /health answers 200."),
  expectedBrokers: m("kafka_health_expected_brokers", "Brokers the cluster should have."),
  controller: m("kafka_health_controller", "Broker id of the active controller (-1 when none)."),
  brokerReachable: m(
    "kafka_health_broker_reachable",
    "1 if the broker answered the service's direct probe (TCP and ApiVersions), 0 if its last probe failed.",
    ["broker"],
  ),
  sourceStale: m("kafka_health_source_stale", "1 while a source's data is stale.", ["source"]),
  sourceAge: m("kafka_health_source_age_seconds", "Seconds since a source's data was last known current.", ["source"]),
  disagreements: m(
    "kafka_health_source_disagreements",
    "Facts the ZooKeeper and admin sources disagree on past the grace period.",
  ),
  messages: m("wordcount_messages_total", "Messages in emitted word-count windows."),
  windowsClosed: m("wordcount_windows_closed_total", "Word-count windows closed and emitted."),
  lastWindowWords: m("wordcount_last_window_words", "Words in the latest closed window."),
  lastWindowDistinct: m(
    "wordcount_last_window_distinct_words",
    "Distinct words in the latest closed window (an estimate past its word limit).",
  ),
  lastWindowEnd: m(
    "wordcount_last_window_end_timestamp_seconds",
    "End of the latest closed window, seconds since the epoch.",
  ),
  commitFailures: m("wordcount_commit_failures_total", "Offset commits that failed (retried with the next window)."),
} as const;
