// kafkajs 2.2.4 arms a timer with `throttledUntil - Date.now()` when nothing
// is throttled (throttledUntil is -1), a negative delay that Node 24 reports
// as a TimeoutNegativeWarning on stderr (kafkajs issue #1751, unreleased fix).
// Node runs such a timer after 1 ms anyway, so this only makes that explicit:
// the behaviour stays kafkajs's own and `pulumi up` and the consumer service
// stop printing the warning. Patched in this process only; kafkajs is pinned.
interface RequestQueue {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL (src/network/requestQueue). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

export function quietKafkajsTimers(): void {
  // Literal paths, so that esbuild's bundle of the consumer service carries them.
  const { version } = require("kafkajs/package.json") as { version: string };
  if (version !== "2.2.4") {
    throw new Error(
      `lib/kafkajs/quiet-timers.ts patches kafkajs 2.2.4's request queue; found kafkajs ${version}: check the patch is still needed`,
    );
  }
  const RequestQueueClass = require("kafkajs/src/network/requestQueue") as {
    prototype: RequestQueue & { scheduleCheckPendingRequests(): void; quietTimers?: true };
  };
  const proto = RequestQueueClass.prototype;
  if (proto.quietTimers) return;
  proto.scheduleCheckPendingRequests = function (this: RequestQueue): void {
    if (this.throttleCheckTimeoutId) return;
    const throttledFor = this.throttledUntil - Date.now();
    const delay = throttledFor > 0 ? throttledFor : this.pending.length > 0 ? CHECK_PENDING_REQUESTS_INTERVAL_MS : 1;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
  proto.quietTimers = true;
}
