import { streamNames } from '../ordering/index.js';

/** NATS publish/subscribe allow-lists of one user. */
export interface SubjectPermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

/** The JetStream API subjects a node needs on one stream (found by running nodes against a locked-down server). */
function streamApi(stream: string): string[] {
  return [
    // ensureStream: does the stream exist? (it is created by the operator at `network up`)
    `$JS.API.STREAM.INFO.${stream}`,
    // the ordered pull consumer of @nats-io/jetstream 3.x: named create (server >= 2.9) …
    `$JS.API.CONSUMER.CREATE.${stream}.*`,
    // … pulls …
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
    // … checks its state after missed heartbeats, and deletes the old consumer when it resets.
    `$JS.API.CONSUMER.INFO.${stream}.*`,
    `$JS.API.CONSUMER.DELETE.${stream}.*`,
    // the stream reader fetches by sequence what a consumer skipped (stream-reader.ts, fill)
    `$JS.API.STREAM.MSG.GET.${stream}`,
  ];
}

/** The reply-subject prefix of an organisation: its replies are not readable by other organisations. */
export function orgInboxPrefix(org: string): string {
  return `_INBOX_${org.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * What an organisation's NATS user may do: publish transactions and block signatures to its
 * groups' subjects, read its groups' streams through ordered consumers, and receive replies on its
 * own inbox prefix only (so no organisation can read another's replies or deliveries). Nothing of
 * any other group. Stream creation, update and deletion are the operator's.
 */
export function orgPermissions(groups: readonly string[], org: string): SubjectPermissions {
  const publish = ['$JS.API.INFO'];
  for (const g of [...groups].sort()) {
    const n = streamNames(g);
    publish.push(n.subject, n.sigSubject, ...streamApi(n.stream), ...streamApi(n.sigStream));
  }
  return { publish, subscribe: [`${orgInboxPrefix(org)}.>`] };
}
