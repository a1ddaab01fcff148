// Kafka's rule for topic names (org.apache.kafka.common.internals.Topic.validate),
// written once: every validator that takes a topic name uses it.

/** Kafka's limit (249): the log directory name adds a partition suffix. */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** What is wrong with `name` as a Kafka topic name; empty when it is legal. */
export function topicNameProblems(name: string): string[] {
  if (name.length === 0) return ["must not be empty"];
  if (name === "." || name === "..") return [`cannot be "." or ".."`];
  const problems: string[] = [];
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    problems.push(`is ${name.length} characters long; the limit is ${MAX_TOPIC_NAME_LENGTH}`);
  const illegal = [...new Set(name.replace(/[a-zA-Z0-9._-]/g, ""))];
  if (illegal.length)
    problems.push(
      `contains ${illegal.map((c) => JSON.stringify(c)).join(", ")}; only ASCII letters, digits, ".", "_" and "-" are legal`,
    );
  return problems;
}

export const isTopicName = (name: string): boolean => topicNameProblems(name).length === 0;

/** Kafka's metric names treat "." and "_" alike, so such names collide. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, "_");
}
