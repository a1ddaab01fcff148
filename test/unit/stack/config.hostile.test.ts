// Hostile stack config (issue 12): every value that reaches a file or a
// command is refused at preview, by validateStack and by planCluster, with
// the property's path and value (never a secret's), and no plan to render.
import { describe, expect, it } from "vitest";
import { ClusterConfigError, planCluster } from "../../../infra/plan";
import { formatProblem, formatProblems } from "../../../lib/problems";
import { validateStack } from "../../../stack/config";

const ctx = { namespace: "kafka-cluster", defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/data" };
const NS = "kafka-cluster:";
const SHA = "ab".repeat(64);
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko";
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const sshHosts = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((name, i) => ({
  name,
  address: `10.0.0.${i + 1}`,
  user: "kafka",
  privateKey: KEY,
  hostKey: HOST_KEY,
}));
const ssh = (over: Record<string, unknown> = {}) => ({ target: "ssh", hosts: sshHosts, ...over });
const withHost = (i: number, over: Record<string, unknown>) =>
  ssh({ hosts: sshHosts.map((h, j) => (j === i ? { ...h, ...over } : h)) });
const docker = (over: Record<string, unknown>) => ({
  target: "docker",
  hosts: sshHosts.map(({ name, address }) => ({ name, address })),
  docker: over,
});

/** The refusal shows no value: it is a secret's. */
const HIDDEN = Symbol("hidden");

/** [case, stack config, the path its refusal names, the value it shows (HIDDEN: none)]. */
const CASES: Array<[string, Record<string, unknown>, string, unknown]> = [
  [
    "a setting key with a line break that sets broker.id",
    { kafka: { brokerConfig: { "x\nbroker.id": 7 } } },
    'kafka.brokerConfig["x\\nbroker.id"]',
    7,
  ],
  [
    "a setting key with a tab that sets listeners",
    { kafka: { brokerConfig: { "num.io.threads\tlisteners": "x" } } },
    'kafka.brokerConfig["num.io.threads\\tlisteners"]',
    "x",
  ],
  ["a setting key with a separator", { kafka: { brokerConfig: { "a=b": 1 } } }, 'kafka.brokerConfig["a=b"]', 1],
  [
    "a setting key in upper case",
    { kafka: { brokerConfig: { "Log.Retention.Hours": 1 } } },
    "kafka.brokerConfig.Log.Retention.Hours",
    1,
  ],
  [
    "a setting key with an empty word",
    { kafka: { brokerConfig: { "log..dirs": "/x" } } },
    "kafka.brokerConfig.log..dirs",
    "/x",
  ],
  [
    "a reserved setting",
    { kafka: { brokerConfig: { "zookeeper.connect": "evil:2181" } } },
    "kafka.brokerConfig.zookeeper.connect",
    "evil:2181",
  ],
  [
    "a setting value with a line break",
    { kafka: { brokerConfig: { "log.retention.hours": "1\nbroker.id=7" } } },
    "kafka.brokerConfig.log.retention.hours",
    "1\nbroker.id=7",
  ],
  [
    "a setting value with NUL",
    { kafka: { brokerConfig: { "log.cleaner.threads": "2\u0000" } } },
    "kafka.brokerConfig.log.cleaner.threads",
    "2\u0000",
  ],
  [
    "a secret setting value with a line break, not echoed",
    { kafka: { brokerConfig: { "ssl.keystore.password": "hunter2\nlisteners=x" } } },
    "kafka.brokerConfig.ssl.keystore.password",
    HIDDEN,
  ],
  [
    "a dataDir that adds a systemd directive",
    { dataDir: "/srv/kafka\nExecStartPre=/bin/sh -c id" },
    "dataDir",
    "/srv/kafka\nExecStartPre=/bin/sh -c id",
  ],
  ["a relative dataDir", { dataDir: "var/lib/kafka" }, "dataDir", "var/lib/kafka"],
  ["a dataDir climbing out with ..", { dataDir: "/var/lib/../../etc" }, "dataDir", "/var/lib/../../etc"],
  ["a dataDir with //", { dataDir: "/var//kafka" }, "dataDir", "/var//kafka"],
  ["a dataDir with a trailing /", { dataDir: "/var/kafka/" }, "dataDir", "/var/kafka/"],
  ["the root as dataDir", { dataDir: "/" }, "dataDir", "/"],
  ["a dataDir that splits log.dirs", { dataDir: "/a,/b" }, "dataDir", "/a,/b"],
  ["a dataDir with a systemd specifier", { dataDir: "/var/%h" }, "dataDir", "/var/%h"],
  ["a dataDir with a shell expansion", { dataDir: "/var/$(id)" }, "dataDir", "/var/$(id)"],
  ["a user that adds a User= line", withHost(0, { user: "kafka\nUser=root" }), "hosts[0].user", "kafka\nUser=root"],
  ["a user in upper case", withHost(1, { user: "Kafka" }), "hosts[1].user", "Kafka"],
  ["a user of 33 characters", withHost(2, { user: "k".repeat(33) }), "hosts[2].user", "k".repeat(33)],
  ["a user starting with a digit", withHost(0, { user: "0kafka" }), "hosts[0].user", "0kafka"],
  ["an address with a line break", withHost(1, { address: "10.0.0.9\n" }), "hosts[1].address", "10.0.0.9\n"],
  ["a host name with DEL", withHost(2, { name: "hadoop\u007f" }), "hosts[2].name", "hadoop\u007f"],
  ["a docker network with a line break", docker({ network: "net\nx" }), "docker.network", "net\nx"],
  [
    "a docker image with a line break",
    docker({ kafkaImage: "apache/kafka:3.9.2\n" }),
    "docker.kafkaImage",
    "apache/kafka:3.9.2\n",
  ],
  [
    "a distribution over plain http",
    ssh({ kafka: { distribution: { url: "http://mirror/k.tgz", sha512: SHA } } }),
    "kafka.distribution.url",
    "http://mirror/k.tgz",
  ],
  [
    "a distribution over ftp",
    ssh({ kafka: { distribution: { url: "ftp://mirror/k.tgz", sha512: SHA } } }),
    "kafka.distribution.url",
    "ftp://mirror/k.tgz",
  ],
  [
    "a distribution url with a line break",
    ssh({ kafka: { distribution: { url: "https://mirror/k.tgz\n-o /etc/x", sha512: SHA } } }),
    "kafka.distribution.url",
    "https://mirror/k.tgz\n-o /etc/x",
  ],
  [
    "a distribution url without a checksum",
    ssh({ kafka: { distribution: { url: "https://mirror/k.tgz" } } }),
    "kafka.distribution.sha512",
    undefined,
  ],
  [
    "a distribution file without a checksum",
    ssh({ kafka: { distribution: { file: "/tmp/k.tgz" } } }),
    "kafka.distribution.sha512",
    undefined,
  ],
  [
    "a checksum that is no SHA-512",
    ssh({ kafka: { distribution: { file: "/tmp/k.tgz", sha512: "abc" } } }),
    "kafka.distribution.sha512",
    "abc",
  ],
  [
    "a distribution file with a line break",
    ssh({ kafka: { distribution: { file: "/tmp/k\n.tgz", sha512: SHA } } }),
    "kafka.distribution.file",
    "/tmp/k\n.tgz",
  ],
  ["a host key that is not one", withHost(0, { hostKey: "not a key" }), "hosts[0].hostKey", "not a key"],
  [
    "a host key with the host name ssh-keyscan writes first",
    withHost(1, { hostKey: `hadoop-dn1 ${HOST_KEY}` }),
    "hosts[1].hostKey",
    `hadoop-dn1 ${HOST_KEY}`,
  ],
  [
    "a host key under another key's type",
    withHost(2, { hostKey: HOST_KEY.replace("ssh-ed25519", "ssh-rsa") }),
    "hosts[2].hostKey",
    HOST_KEY.replace("ssh-ed25519", "ssh-rsa"),
  ],
  [
    "a host key with a second line",
    withHost(0, { hostKey: `${HOST_KEY}\nssh-rsa AAAA` }),
    "hosts[0].hostKey",
    `${HOST_KEY}\nssh-rsa AAAA`,
  ],
  ["an ssh host without a pinned key", withHost(1, { hostKey: undefined }), "hosts[1].hostKey", undefined],
  [
    "insecureIgnoreHostKey that is not a boolean",
    ssh({ insecureIgnoreHostKey: "yes" }),
    "insecureIgnoreHostKey",
    "yes",
  ],
  [
    "a distribution URL with a user name and password",
    ssh({ kafka: { distribution: { url: "https://kafka:hunter2@mirror.example/k.tgz", sha512: SHA } } }),
    "kafka.distribution.url",
    "https://[secret]@mirror.example/k.tgz",
  ],
  [
    "a distribution URL with a token as its user name",
    ssh({ kafka: { distribution: { url: "https://ghp_abc123@mirror.example/k.tgz", sha512: SHA } } }),
    "kafka.distribution.url",
    "https://[secret]@mirror.example/k.tgz",
  ],
  [
    "a consumer group id with a line break",
    { consumer: { groupId: "g\nHTTP_HOST=0.0.0.0" } },
    "consumer.groupId",
    "g\nHTTP_HOST=0.0.0.0",
  ],
];

describe("hostile stack config", () => {
  it.each(CASES)("refuses %s", (_case, raw, path, value) => {
    const r = validateStack(raw, ctx);
    expect(r.ok).toBe(false);
    expect(r).not.toHaveProperty("plan");
    if (r.ok) return;
    const line = r.problems.map(formatProblem).find((p) => p.startsWith(`${NS}${path}: `));
    expect(line, r.problems.map(formatProblem).join("\n")).toBeDefined();
    if (value === HIDDEN) expect(line).not.toContain(", got ");
    else expect(line!.endsWith(`, got ${JSON.stringify(value)}`), line).toBe(true);
    // Nothing for a target to render: planCluster refuses the cluster keys as well.
    const { consumer, ...cluster } = raw;
    if (consumer === undefined) expect(() => planCluster(cluster, ctx)).toThrow(ClusterConfigError);
  });

  it("keeps every refusal to one line, whatever the key holds", () => {
    const r = validateStack({ kafka: { brokerConfig: { "a\nb\rc": 1 } }, dataDir: "/x\n" }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatProblems(r.problems).split("\n")).toHaveLength(1 + r.problems.length);
  });
});

describe("secrets in refusals", () => {
  const text = (raw: Record<string, unknown>) => {
    const r = validateStack(raw, ctx);
    expect(r.ok).toBe(false);
    return r.ok ? "" : formatProblems(r.problems);
  };

  it.each([
    [
      "hosts given as one object",
      ssh({ hosts: { name: "a", address: "10.0.0.1", privateKey: KEY } }),
      "kafka-cluster:hosts: ",
    ],
    ["hosts given as a list of keys", ssh({ hosts: [KEY, KEY, KEY] }), "kafka-cluster:hosts[0]: "],
    [
      "a host with a misspelt key",
      withHost(0, { private_key: KEY }),
      "kafka-cluster:hosts[0].private_key: unknown config key\n",
    ],
    [
      "a host with secrets nested in an unknown key",
      withHost(1, { extra: { auth: [{ token: "tok-123", password: "pw" }] } }),
      'kafka-cluster:hosts[1].extra: unknown config key, got {"auth":[{"token":"[secret]","password":"[secret]"}]}',
    ],
    [
      "a host of the wrong shape holding its key",
      ssh({ hosts: [...sshHosts.slice(0, 2), [sshHosts[2]]] }),
      "kafka-cluster:hosts[2]: ",
    ],
    ["a private key of the wrong type", withHost(2, { privateKey: [KEY] }), "kafka-cluster:hosts[2].privateKey: "],
  ])("never echoes a private key: %s", (_case, raw, expected) => {
    const out = `${text(raw)}\n`;
    expect(out).toContain(expected);
    for (const secret of ["PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA", "tok-123", '"pw"'])
      expect(out).not.toContain(secret);
  });
});

describe("credentials in the distribution URL", () => {
  it("are refused with what to do instead, and never echoed", () => {
    const url = "https://kafka:hunter2@mirror.example/k.tgz";
    const r = validateStack(ssh({ kafka: { distribution: { url, sha512: SHA } } }), ctx);
    expect(r.ok).toBe(false);
    const out = r.ok ? "" : formatProblems(r.problems);
    expect(out).toContain(
      'kafka-cluster:kafka.distribution.url: must not hold a user name or password ("user:secret@")',
    );
    expect(out).toContain("{ file, sha512 }");
    expect(out).not.toContain("hunter2");
  });
});

describe("hosts without a pinned key", () => {
  const unpinned = ssh({ hosts: sshHosts.map(({ hostKey: _k, ...h }) => h) });

  it("are refused on ssh, saying how to get the key", () => {
    const r = validateStack(unpinned, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.map(formatProblem)[0]).toBe(
        'kafka-cluster:hosts[0].hostKey: is required for target "ssh": the host\'s public key, "<type> <base64>" ' +
          "(ssh-keyscan -t ed25519 10.0.0.1, without the host name it writes first), or set " +
          "kafka-cluster:insecureIgnoreHostKey: true to accept any, got undefined",
      );
  });

  it("are accepted with insecureIgnoreHostKey, warned at preview naming them; a pinned host keeps its key", () => {
    const hosts = [sshHosts[0], ...sshHosts.slice(1).map(({ hostKey: _k, ...h }) => h)];
    const r = validateStack(ssh({ hosts, insecureIgnoreHostKey: true }), ctx);
    expect(r.ok).toBe(true);
    expect(r.warnings[0]).toBe(
      "kafka-cluster:insecureIgnoreHostKey: hadoop-dn1, hadoop-dn2 have no hostKey and will be reached whatever key " +
        "answers: a man in the middle gets the configs and the release; pin each with kafka-cluster:hosts[].hostKey (ssh-keyscan)",
    );
    if (r.ok) {
      expect(r.plan.insecureIgnoreHostKey).toBe(true);
      expect(r.plan.hosts.map((h) => h.hostKey)).toEqual([HOST_KEY, undefined, undefined]);
    }
  });

  it("are not warned about when every host is pinned", () => {
    const url = "https://archive.apache.org/dist/kafka/3.9.2/kafka_2.13-3.9.2.tgz";
    const r = validateStack(ssh({ insecureIgnoreHostKey: true, kafka: { distribution: { url, sha512: SHA } } }), ctx);
    expect(r.warnings).toEqual([]);
  });
});

describe("the default distribution", () => {
  it("is warned about at preview on ssh, with how to pin it", () => {
    const r = validateStack(ssh(), ctx);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^kafka-cluster:kafka\.distribution: the default https:\/\/archive\.apache\.org\/dist\/kafka\/3\.9\.2\/kafka_2\.13-3\.9\.2\.tgz is not checksummed; pin it with \{ url: .*, sha512: /,
      ),
    ]);
  });

  it("is not warned about once pinned, nor on targets that do not download it", () => {
    const url = "https://archive.apache.org/dist/kafka/3.9.2/kafka_2.13-3.9.2.tgz";
    const pinned = validateStack(ssh({ kafka: { distribution: { url, sha512: SHA.toUpperCase() } } }), ctx);
    expect(pinned.warnings).toEqual([]);
    expect(pinned.ok && pinned.plan.distribution).toEqual({ url, sha512: SHA });
    expect(validateStack({}, ctx).warnings).toEqual([]);
  });
});

describe("config text that is not JSON", () => {
  it("is refused without echoing a secret it holds", () => {
    const r = validateStack({ target: "ssh", hosts: '[{"name": "a", "privateKey": "abc123"' }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatProblems(r.problems)).toContain(
        'kafka-cluster:hosts: Invalid input: expected array, received string, got "[secret]"',
      );
  });
});
