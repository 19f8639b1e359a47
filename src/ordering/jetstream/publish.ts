import type { JetStreamClient } from '@nats-io/jetstream';

/**
 * Publish with the same message id until acknowledged. While a stream elects a new leader (4–8 s
 * after its leader's server dies) publishes fail at once with "no responders" or time out; the
 * stream's duplicate window makes the retries safe.
 */
export async function publishWithRetry(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  msgID: string,
  stopped: () => boolean,
  attempts = 30,
): Promise<void> {
  let delay = 100;
  for (let attempt = 0; ; attempt++) {
    try {
      await js.publish(subject, data, { msgID, timeout: 5000 });
      return;
    } catch (e) {
      if (stopped() || attempt >= attempts) throw e;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 1000);
    }
  }
}
