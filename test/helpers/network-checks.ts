/**
 * The after-checks of a fault test on a set of in-process nodes: the same blocks everywhere, each
 * transaction once, no (sender, nonce) twice, every chain file verifying, finality at the head.
 */
import { join } from 'node:path';
import { toHex } from '../../src/encoding/index.js';
import { decodeTx } from '../../src/ledger/index.js';
import { DEFAULT_MODULES, type GroupLedger, verifyChainFile } from '../../src/node/index.js';

export const until = async (cond: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Problems found, empty when the groups agree; `dataDirs[i]` holds `groups[i]`'s file. */
export function consistencyProblems(groups: readonly GroupLedger[], dataDirs: readonly string[]): string[] {
  const problems: string[] = [];
  const height = Math.min(...groups.map((g) => g.latest.height));
  for (let h = 1; h <= height; h++) {
    const ids = new Set(groups.map((g) => toHex(g.store.blockByHeight(h)?.hash ?? new Uint8Array())));
    if (ids.size !== 1) problems.push(`block ${h} differs between nodes`);
  }
  for (const g of groups) {
    const rows = g.store.db.prepare('SELECT tx FROM txs').all() as { tx: Buffer }[];
    const hashes = g.store.db.prepare('SELECT count(*) AS n, count(DISTINCT hash) AS d FROM txs').get() as {
      n: number;
      d: number;
    };
    if (hashes.n !== hashes.d) problems.push(`${g.nodeId}: a transaction is in two blocks`);
    const seen = new Set<string>();
    for (const r of rows) {
      const b = decodeTx(new Uint8Array(r.tx)).body;
      const k = `${toHex(b.sender)}/${b.nonce}`;
      if (seen.has(k)) problems.push(`${g.nodeId}: (sender, nonce) ${k} executed twice`);
      seen.add(k);
    }
  }
  // Run while nothing commits (the test stopped its load): the file is read as it stands.
  groups.forEach((g, i) => {
    try {
      const report = verifyChainFile(join(dataDirs[i] as string, `${g.group}.sqlite`), DEFAULT_MODULES);
      if (report.blocks < g.latest.height)
        problems.push(`${g.nodeId}: chain verify saw ${report.blocks} blocks`);
    } catch (e) {
      problems.push(`${g.nodeId}: chain verify failed: ${(e as Error).message}`);
    }
  });
  return problems;
}
