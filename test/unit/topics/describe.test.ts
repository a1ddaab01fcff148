import { describe, expect, it } from "vitest";
import {
  describeLines,
  javaHashMapOrder,
  javaStringHash,
  partitionLine,
  replicationFactor,
  topicCommandOrder,
  topicHeader,
  type ConfigEntryState,
  type PartitionState,
  type TopicState,
} from "../../../topics/describe";

const cfg = (name: string, value: string, isDefault = false): ConfigEntryState => ({ name, value, isDefault });
const part = (partition: number, leader: number | null, replicas: number[], isr: number[]): PartitionState => ({
  partition,
  leader,
  replicas,
  isr,
});

/** Hello-Kafka as TopicCommand shows it on a healthy 3-broker cluster. */
const hello: TopicState = {
  name: "Hello-Kafka",
  topicId: "azwIiut-S7W9v9KhH9y_Dw",
  partitions: [part(2, 1, [1, 2, 3], [1, 2, 3]), part(0, 2, [2, 3, 1], [2, 3, 1]), part(1, 3, [3, 1, 2], [3, 1, 2])],
  configs: [
    cfg("compression.type", "producer", true),
    cfg("min.insync.replicas", "2"),
    cfg("unclean.leader.election.enable", "false"),
    cfg("retention.ms", "604800000", true),
  ],
};

describe("Java ordering", () => {
  it("hashes strings like java.lang.String.hashCode", () => {
    expect(javaStringHash("")).toBe(0);
    expect(javaStringHash("hello")).toBe(99162322);
    expect(javaStringHash("polygenelubricants")).toBe(-2147483648);
  });

  it("orders keys by HashMap bucket whatever order they arrive in", () => {
    // TopicCommand printed these Configs in this order for a topic with 36 config entries.
    const printed = ["min.insync.replicas", "cleanup.policy", "retention.ms", "unclean.leader.election.enable"];
    expect(javaHashMapOrder([...printed].reverse(), (k) => k, 64)).toEqual(printed);
  });

  it("orders several topics as TopicCommand printed them", () => {
    expect(topicCommandOrder(["t33", "tcfg", "toff"])).toEqual(["t33", "toff", "tcfg"]);
    // 48 topics described at once by Kafka 3.9's TopicCommand on Java 17.
    const printed = (
      "ord-2cx36 ord-fux30 ord-f2x18 tcfg ord-kcx28 ord-4lx35 ord-c4x44 ord-mlx27 ord-o2x14 toff ord-0x0 ord-8bx21 ord-sx12 " +
      "ord-ndx39 ord-akx20 ord-oux26 ord-3x37 ord-6ux34 ord-l1x3 t33 ord-ivx41 ord-5ax10 ord-31x11 ord-pmx38 ord-i3x29 ord-7jx9 " +
      "ord-nax2 ord-jkx16 ord-pjx1 ord-1kx24 ord-r3x25 ord-9sx8 ord-edx43 ord-isx4 ord-hbx17 ord-62x22 ord-c1x7 ord-gmx42 " +
      "ord-qbx13 ord-eax6 ord-gjx5 ord-bcx32 ord-93x33 ord-l4x40 ord-ctx19 ord-ltx15 ord-3tx23 ord-dlx31"
    ).split(" ");
    expect(topicCommandOrder([...printed].sort().reverse())).toEqual(printed);
  });
});

describe("lines", () => {
  it("prints the header with the topic id and the non-default configs in Java's order", () => {
    expect(topicHeader(hello)).toBe(
      "Topic: Hello-Kafka\tTopicId: azwIiut-S7W9v9KhH9y_Dw\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2,unclean.leader.election.enable=false",
    );
  });

  it("leaves out an unknown topic id and keeps 'Configs: ' when every value is a default", () => {
    expect(
      topicHeader({ name: "t", partitions: [part(0, 1, [1], [1])], configs: [cfg("retention.ms", "1", true)] }),
    ).toBe("Topic: t\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ");
  });

  it("prints a partition without a leader as 'none', and a reassignment's moves", () => {
    expect(partitionLine("t", part(0, null, [3], [3]))).toBe(
      "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3\tElr: N/A\tLastKnownElr: N/A",
    );
    const moving: PartitionState = {
      ...part(1, 1, [1, 2, 3], [1, 2]),
      reassignment: { replicas: [1, 2, 3], adding: [3], removing: [] },
    };
    expect(partitionLine("t", moving)).toBe(
      "\tTopic: t\tPartition: 1\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\tAdding Replicas: 3\tRemoving Replicas: \tElr: N/A\tLastKnownElr: N/A",
    );
    expect(replicationFactor(moving)).toBe(2);
  });

  it("prints the header then partitions in partition order", () => {
    expect(describeLines([hello], [1, 2, 3])).toEqual([
      topicHeader(hello),
      "\tTopic: Hello-Kafka\tPartition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\tElr: N/A\tLastKnownElr: N/A",
      "\tTopic: Hello-Kafka\tPartition: 1\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1,2\tElr: N/A\tLastKnownElr: N/A",
      "\tTopic: Hello-Kafka\tPartition: 2\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: N/A\tLastKnownElr: N/A",
    ]);
  });
});

describe("report flags", () => {
  // min.insync.replicas=2; broker 3 is down.
  const sick: TopicState = {
    name: "sick",
    partitions: [
      part(0, 1, [1, 2, 3], [1, 2, 3]), // healthy
      part(1, 1, [1, 2, 3], [1, 2]), // under-replicated, at min ISR
      part(2, 2, [2, 3], [2]), // under-replicated, under min ISR
      part(3, null, [3], [3]), // no leader: unavailable and under min ISR
      part(4, 3, [3, 1], [3, 1]), // leader on a dead broker: unavailable
    ],
    configs: [cfg("min.insync.replicas", "2")],
  };
  const partitions = (lines: string[]): number[] => lines.map((l) => Number(/\tPartition: (\d+)/.exec(l)![1]));
  const live = [1, 2];

  it("selects partitions with Kafka's meanings and prints no header", () => {
    expect(partitions(describeLines([sick], live, { underReplicated: true }))).toEqual([1, 2]);
    expect(partitions(describeLines([sick], live, { underMinIsr: true }))).toEqual([2, 3]);
    expect(partitions(describeLines([sick], live, { atMinIsr: true }))).toEqual([1, 4]);
    expect(partitions(describeLines([sick], live, { unavailable: true }))).toEqual([3, 4]);
    expect(describeLines([sick], live, { underReplicated: true }).every((l) => l.startsWith("\t"))).toBe(true);
  });

  it("ORs several flags", () => {
    expect(partitions(describeLines([sick], live, { underReplicated: true, unavailable: true }))).toEqual([1, 2, 3, 4]);
  });

  it("uses Kafka's default min ISR of 1 when the topic reports none, and the RF before a reassignment adds replicas", () => {
    const t: TopicState = {
      name: "t",
      partitions: [{ ...part(0, 1, [1, 2], [1]), reassignment: { replicas: [1, 2], adding: [2], removing: [] } }],
      configs: [],
    };
    expect(describeLines([t], [1, 2], { underReplicated: true })).toEqual([]);
    expect(partitions(describeLines([t], [1, 2], { atMinIsr: true }))).toEqual([0]);
  });
});
