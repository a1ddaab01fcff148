import { describe, expect, it } from "vitest";
import { formatProblem, pathOf, redactSecrets, zodProblems } from "../../../lib/problems";

describe("redactSecrets", () => {
  it("replaces secrets at any depth: keys named like secrets, and private keys wherever they are", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----";
    expect(
      redactSecrets({
        name: "a",
        privateKey: "k",
        nested: [{ token: 1, apiToken: "t", db: { password: "p", passwd: "p", clientSecret: "s" } }, pem],
        "ssl.keystore.password": "p",
        "sasl.jaas.config": "... password=p;",
        port: 22,
      }),
    ).toEqual({
      name: "a",
      privateKey: "[secret]",
      nested: [
        {
          token: "[secret]",
          apiToken: "[secret]",
          db: { password: "[secret]", passwd: "[secret]", clientSecret: "[secret]" },
        },
        "[secret]",
      ],
      "ssl.keystore.password": "[secret]",
      "sasl.jaas.config": "[secret]",
      port: 22,
    });
  });

  it("redacts text that assigns a secret, as config text that is not JSON may", () => {
    expect(redactSecrets('[{"name": "a", "privateKey": "abc"')).toBe("[secret]");
    expect(redactSecrets("ssl.keystore.password=abc")).toBe("[secret]");
    expect(redactSecrets("a topic about tokens")).toBe("a topic about tokens");
  });

  it("redacts the user name and password of a URL, wherever it is in a text", () => {
    expect(redactSecrets("https://kafka:hunter2@mirror.example/k.tgz")).toBe("https://[secret]@mirror.example/k.tgz");
    expect(redactSecrets("get https://p@ss:w@rd@h/x and file:///y")).toBe("get https://[secret]@h/x and file:///y");
    expect(redactSecrets({ url: "https://tok@h/k.tgz" })).toEqual({ url: "https://[secret]@h/k.tgz" });
  });

  it("leaves plain values alone and stops at a depth no config has", () => {
    expect(redactSecrets([1, "a", null, true])).toEqual([1, "a", null, true]);
    let deep: unknown = "leaf";
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(JSON.stringify(redactSecrets(deep))).toContain('"[secret]"');
  });
});

describe("formatProblem", () => {
  it("shows no value at a secret's path, and redacts secrets inside any value it shows", () => {
    expect(formatProblem({ path: "ns:hosts[0].privateKey", message: "bad", value: "k" })).toBe(
      "ns:hosts[0].privateKey: bad",
    );
    expect(formatProblem({ path: "ns:hosts", message: "bad", value: [{ name: "a", privateKey: "k" }] })).toBe(
      'ns:hosts: bad, got [{"name":"a","privateKey":"[secret]"}]',
    );
  });
});

describe("pathOf", () => {
  it("writes plain keys as they are and quotes any other, so a path is one line", () => {
    expect(pathOf("ns:", ["kafka", "brokerConfig", "log.dirs"])).toBe("ns:kafka.brokerConfig.log.dirs");
    expect(pathOf("ns:", ["kafka", "brokerConfig", "a\nb=c"])).toBe('ns:kafka.brokerConfig["a\\nb=c"]');
    expect(pathOf("ns:", ["hosts", 0, "name"])).toBe("ns:hosts[0].name");
  });
});

describe("zodProblems", () => {
  it("redacts the values it reports", () => {
    const raw = { hosts: { privateKey: "k" }, other: { secret: "s" } };
    const problems = zodProblems("ns:", raw, [
      { code: "invalid_type", path: ["hosts"], message: "expected array" },
      { code: "unrecognized_keys", path: [], message: "", keys: ["other"] },
      { code: "custom", path: ["other", "secret"], message: "bad" },
    ]);
    expect(problems).toEqual([
      { path: "ns:hosts", message: "expected array", value: { privateKey: "[secret]" } },
      { path: "ns:other", message: "unknown key", value: { secret: "[secret]" } },
      { path: "ns:other.secret", message: "bad", value: "[secret]" },
    ]);
  });
});
