import type { JetStreamClient } from '@nats-io/jetstream';

/** How long a publish keeps retrying by default (ms): a stream leader election takes 4–8 s, a restart longer. */
export const DEFAULT_PUBLISH_BUDGET_MS = 30_000;

/**
 * How long one attempt waits for the stream's acknowledgement. A publish in flight when the stream
 * leader dies is only retried after this, so it is short (it was 5 s); a retry of a slow but
 * stored publish is harmless (same message id, deduplicated).
 */
const ACK_TIMEOUT_MS = 2000;

/** Longest pause between two attempts: once the stream answers again, the next attempt is at most this far off. */
const MAX_RETRY_PAUSE_MS = 500;

/**
 * Publish with the same message id until acknowledged, for at most `budgetMs` (Infinity: until
 * `stopped()`). While a stream elects a new leader publishes fail at once with "no responders" or
 * time out; the stream's duplicate window makes the retries safe. `stopped()` is asked before each
 * retry: true ends the loop with the last error.
 */
export async function publishWithRetry(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  msgID: string,
  stopped: () => boolean,
  budgetMs = DEFAULT_PUBLISH_BUDGET_MS,
  onFail?: (e: unknown, attempt: number) => void,
): Promise<void> {
  const t0 = Date.now();
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      await js.publish(subject, data, { msgID, timeout: ACK_TIMEOUT_MS });
      return;
    } catch (e) {
      onFail?.(e, attempt);
      if (stopped() || Date.now() - t0 >= budgetMs) throw e;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, MAX_RETRY_PAUSE_MS);
    }
  }
}
