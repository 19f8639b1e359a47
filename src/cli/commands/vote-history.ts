import type { GongzhiClient } from '../../sdk/index.js';

/**
 * Every accepted ballot of BELENIOS-2048 election `id`, oldest first, superseded ones too: the
 * election's `voting` transactions from the node's (module, subject) index (newest first, page by
 * page; no other election's rows are read), then each `beleniosCast` with an ok receipt read for
 * its arguments. What `withEveryBallot` exports.
 */
export async function acceptedBelBallots(
  client: Pick<GongzhiClient, 'txPage' | 'txReceipt'>,
  group: string,
  id: string,
): Promise<string[]> {
  const hashes: string[] = [];
  let cursor: { before?: number; beforeIndex?: number } = {};
  for (;;) {
    const page = await client.txPage(group, { module: 'voting', subject: id, limit: 1000, ...cursor });
    for (const t of page.txs) if (t.method === 'beleniosCast' && t.status === 'ok') hashes.push(t.hash);
    if (page.next === undefined) break;
    cursor = page.next;
  }
  const out: string[] = [];
  for (const h of hashes.reverse()) {
    const args = (await client.txReceipt(group, h)).tx?.args as { election?: unknown; ballot?: unknown };
    if (args.election === id && typeof args.ballot === 'string') out.push(args.ballot);
  }
  return out;
}
