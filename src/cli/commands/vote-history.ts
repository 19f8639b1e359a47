import type { GongzhiClient } from '../../sdk/index.js';
import { MAX_TX_BODY_PAGE } from '../../wire/index.js';

/**
 * Every accepted ballot of BELENIOS-2048 election `id`, oldest first, superseded ones too: the
 * election's `voting` transactions from the node's (module, subject) index, newest first, a page
 * of bodies per request (GET …/txs/bodies; no other election's rows are read, and no request per
 * ballot), each `beleniosCast` with an ok receipt taken for its ballot. What `withEveryBallot` exports.
 * `pageSize` (1..MAX_TX_BODY_PAGE) is for tests of the paging.
 */
export async function acceptedBelBallots(
  client: Pick<GongzhiClient, 'txBodyPage'>,
  group: string,
  id: string,
  pageSize = MAX_TX_BODY_PAGE,
): Promise<string[]> {
  const out: string[] = [];
  let cursor: { before?: number; beforeIndex?: number } = {};
  for (;;) {
    const page = await client.txBodyPage(group, {
      module: 'voting',
      subject: id,
      limit: pageSize,
      ...cursor,
    });
    for (const t of page.txs) {
      if (t.method !== 'beleniosCast' || t.status !== 'ok') continue;
      const args = t.tx.args as { election?: unknown; ballot?: unknown };
      if (args.election === id && typeof args.ballot === 'string') out.push(args.ballot);
    }
    if (page.next === undefined) break;
    cursor = page.next;
  }
  return out.reverse();
}
