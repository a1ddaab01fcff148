// The topics of the stack's last deployment, read with `pulumi stack export`:
// a policy sees only the new resources, and a deletion or a rename shows only
// against what is deployed.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { TYPES, urnParts } from "../ci/resources";
import type { DeployedTopic } from "./rules";

interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly delete?: boolean;
  readonly retainOnDelete?: boolean;
  readonly inputs?: Record<string, unknown>;
}

/** Pure: the KafkaTopic resources of an exported deployment. */
export function deployedTopics(exported: unknown): DeployedTopic[] {
  const resources = ((exported as { deployment?: { resources?: StateResource[] } })?.deployment?.resources ??
    []) as StateResource[];
  return resources
    .filter((r) => r.type === TYPES.topic && !r.delete)
    .map((r) => ({
      urn: r.urn,
      name: String(r.inputs?.name ?? urnParts(r.urn).name),
      allowDataLoss: r.inputs?.allowDataLoss === true,
      retained: r.retainOnDelete === true,
    }));
}

/**
 * Exports the stack named in `urn`. The analyzer runs in the environment of
 * the `pulumi` that started it (backend, credentials); the project directory
 * resolves the stack's organization, and a file backend also takes
 * `organization/<project>/<stack>` from anywhere.
 */
export async function readDeployedTopics(urn: string, projectDir: string | undefined): Promise<DeployedTopic[]> {
  const { stack, project } = urnParts(urn);
  const attempts: Array<{ stack: string; cwd?: string }> = [
    ...(projectDir ? [{ stack, cwd: projectDir }] : []),
    { stack: `organization/${project}/${stack}` },
  ];
  const errors: string[] = [];
  for (const a of attempts) {
    try {
      const { stdout } = await promisify(execFile)(
        "pulumi",
        ["stack", "export", "--stack", a.stack, "--non-interactive"],
        {
          cwd: a.cwd,
          maxBuffer: 256 << 20,
          timeout: 60_000,
        },
      );
      return deployedTopics(JSON.parse(stdout));
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      errors.push(`${a.stack}: ${(e.stderr || e.message).trim()}`);
    }
  }
  throw new Error(
    `cannot read the deployed state of stack "${stack}" with 'pulumi stack export' (${errors.join("; ")})`,
  );
}
