import { describe, expect, it } from "vitest";
import { DeadlineError, withDeadline } from "../../../lib/deadline";

describe("withDeadline", () => {
  it("rejects with the name and deadline when the promise never settles", async () => {
    const err = await withDeadline("describeConfigs", 50, new Promise(() => undefined)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineError);
    expect((err as Error).message).toBe("describeConfigs did not finish within 50 ms");
  });

  it("passes an answer or a failure through when in time", async () => {
    expect(await withDeadline("x", 1_000, Promise.resolve(4))).toBe(4);
    await expect(withDeadline("x", 1_000, Promise.reject(new Error("no")))).rejects.toThrow("no");
  });
});
