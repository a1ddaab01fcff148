// The renderers refuse control characters themselves (defence in depth): the
// plan refuses them in config already, so these call the renderers directly.
import { describe, expect, it } from "vitest";
import {
  renderEnvFile,
  renderJavaCommand,
  renderProperties,
  renderServerProperties,
  renderSystemdUnit,
  renderZooCfg,
} from "../../../infra/render";

const broker = { id: 1, host: "127.0.10.1", port: 9092, zookeeperConnect: "127.0.10.1:2181", logDir: "/d/k" };
const unit = { description: "kafka", user: "kafka", workDir: "/d/run", command: "/usr/bin/java", args: ["-cp", "x"] };
const java = { role: "kafka", libsDir: "/libs", configFile: "/d/s.properties", log4jFile: "/d/l.properties" } as const;

describe("renderers refuse control characters", () => {
  it.each([
    [
      "a server.properties key that would start a broker.id line",
      () => renderServerProperties({ ...broker, settings: { "x\nbroker.id": 9 } }),
      /property key "x\\nbroker\.id"/,
    ],
    [
      "a server.properties value with a carriage return",
      () => renderServerProperties({ ...broker, settings: { "num.io.threads": "8\rlisteners=x" } }),
      /value of property num\.io\.threads/,
    ],
    [
      "a log directory with a line break",
      () => renderServerProperties({ ...broker, logDir: "/d\nzookeeper.connect=evil:2181" }),
      /value of property log\.dirs/,
    ],
    [
      "a zoo.cfg dataDir with a line break",
      () => renderZooCfg({ dataDir: "/zk\nserver.9=evil:1:2", clientAddress: "127.0.0.1", clientPort: 2181 }),
      /value of property dataDir/,
    ],
    [
      "a zoo.cfg client address with a tab",
      () => renderZooCfg({ dataDir: "/zk", clientAddress: "127.0.0.1\t", clientPort: 2181 }),
      /value of property clientPortAddress.*U\+0009/,
    ],
    ["a properties header with a line break", () => renderProperties("h\nk=v", []), /properties header/],
    [
      "a systemd working directory that would add ExecStartPre=",
      () => renderSystemdUnit({ ...unit, workDir: "/d\nExecStartPre=/bin/sh -c id" }),
      /systemd unit WorkingDirectory/,
    ],
    [
      "a systemd user with a line break",
      () => renderSystemdUnit({ ...unit, user: "kafka\nUser=root" }),
      /systemd unit User/,
    ],
    [
      "a systemd ExecStart argument with DEL",
      () => renderSystemdUnit({ ...unit, args: ["-cp", "x\x7f"] }),
      /systemd unit argument 1.*U\+007F/,
    ],
    [
      "a systemd description with a NUL",
      () => renderSystemdUnit({ ...unit, description: "k\0" }),
      /systemd unit Description/,
    ],
    ["a java heap with a line break", () => renderJavaCommand({ ...java, heap: "1g\n-Dx=y" }), /java argument 1/],
    [
      "a java libs directory with a line break",
      () => renderJavaCommand({ ...java, heap: "1g", libsDir: "/libs\n" }),
      /java argument \d+/,
    ],
    [
      "an env file value with a line break",
      () => renderEnvFile({ GROUP_ID: "g\nHTTP_HOST=0.0.0.0" }, "consumer"),
      /env file value of GROUP_ID/,
    ],
    ["an env file key with a line break", () => renderEnvFile({ "A\nB": "x" }, "consumer"), /env file key "A\\nB"/],
  ])("%s", (_case, render, message) => {
    expect(render).toThrow(message);
    expect(render).toThrow(/holds a control character \(U\+[0-9A-F]{4} at index \d+\); refusing to write it/);
  });

  it("does not echo the refused value, which may be a secret", () => {
    const render = () =>
      renderServerProperties({ ...broker, settings: { "ssl.keystore.password": "hunter2\nlisteners=x" } });
    expect(render).toThrow(/value of property ssl\.keystore\.password/);
    expect(render).not.toThrow(/hunter2/);
  });

  it("still writes every printable character, escaped as Properties reads it", () => {
    expect(renderProperties("h", [["k", "a=b:c #!\\ é"]])).toBe("# h\nk=a=b:c #!\\\\ \\u00e9\n");
  });
});
