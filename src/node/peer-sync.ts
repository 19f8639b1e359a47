import type { Logger } from 'pino';
import { fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { CandidateTx } from '../execution/index.js';
import { type BlockHeader, blockHash, decodeHeader } from '../ledger/index.js';
import { listNodes } from '../modules/governance/index.js';
import { checkCertificate } from './certificate.js';
import type { GroupLedger } from './group-ledger.js';

/** One block as the sync endpoint serves it. */
export interface SyncBlock {
  /** base64url canonical header. */
  readonly header: string;
  readonly signatures: { readonly node: string; readonly sig: string }[];
  /** base64url canonical signed transactions, in block order. */
  readonly txs: string[];
}

/** Requests are signed by a member node: H("gongzhi-sync" | group | from | time). */
export function syncRequestMessage(group: string, from: number, time: number): Uint8Array {
  return utf8(`gongzhi-sync|${group}|${from}|${time}`);
}

/** Headers authenticating a sync request as coming from node `nodeId`. */
export function signSyncRequest(
  g: GroupLedger,
  from: number,
  nodeId: string,
  secretKey: Uint8Array,
  now = Date.now(),
) {
  const msg = g.suite.hash(syncRequestMessage(g.group, from, now));
  return {
    'x-gongzhi-node': nodeId,
    'x-gongzhi-time': String(now),
    'x-gongzhi-sig': toHex(g.suite.sign(secretKey, msg)),
  };
}

/**
 * Check a sync request: a node registered in the group, a fresh timestamp (±2 min) and a valid
 * signature. Throws API_FORBIDDEN-style errors (EXEC_PERMISSION_DENIED) otherwise.
 */
export function assertSyncRequest(
  g: GroupLedger,
  from: number,
  headers: Readonly<Record<string, unknown>>,
  now = Date.now(),
): string {
  const node = headers['x-gongzhi-node'];
  const time = Number(headers['x-gongzhi-time']);
  const sig = headers['x-gongzhi-sig'];
  if (typeof node !== 'string' || typeof sig !== 'string' || !Number.isSafeInteger(time)) {
    throw new GongzhiError('EXEC_PERMISSION_DENIED', 'sync requests must be signed by a member node');
  }
  if (Math.abs(now - time) > 120_000) throw new GongzhiError('EXEC_PERMISSION_DENIED', 'stale sync request');
  const n = listNodes(g.stateReader()).find((x) => x.id === node);
  let ok = false;
  try {
    ok =
      n !== undefined &&
      g.suite.verify(
        fromHex(n.publicKey),
        g.suite.hash(syncRequestMessage(g.group, from, time)),
        fromHex(sig),
      );
  } catch {
    ok = false;
  }
  if (!ok)
    throw new GongzhiError('EXEC_PERMISSION_DENIED', 'sync request not signed by a node of this group', {
      node,
    });
  return node;
}

/** Blocks `from`.. (at most `limit`) with their transactions and stored signatures. */
export function syncBlocks(g: GroupLedger, from: number, limit: number): SyncBlock[] {
  const out: SyncBlock[] = [];
  for (let h = from; h <= g.latest.height && out.length < limit; h++) {
    const b = g.store.blockByHeight(h);
    if (!b) break;
    out.push({
      header: toBase64Url(b.headerBytes),
      signatures: b.signatures.map((s) => ({ node: s.node, sig: toHex(s.sig) })),
      txs: g.store.txsOfBlock(h).map((t) => toBase64Url(t.tx)),
    });
  }
  return out;
}

/** How long one page request to a peer may take before the next peer is tried. */
const PEER_TIMEOUT_MS = 15_000;

export interface CatchUpOptions {
  readonly peers: readonly string[];
  readonly nodeId: string;
  readonly secretKey: Uint8Array;
  readonly quorumPercent: number;
  readonly logger: Logger;
  /** Stop once this height is reached (default: as far as the peers go). */
  readonly untilHeight?: number;
}

/**
 * Catch up from peers' sync endpoints: fetch blocks after our head, accept only those whose
 * certificate is signed by a quorum of the organisations registered in our state and whose replay
 * gives the certified header, and commit them. Returns the blocks applied and whether a peer
 * confirmed it has nothing beyond our head.
 */
export async function catchUpFromPeers(
  g: GroupLedger,
  o: CatchUpOptions,
): Promise<{ applied: number; current: boolean }> {
  let applied = 0;
  let current = false;
  const fetchPage = async (peer: string, from: number): Promise<SyncBlock[]> => {
    const res = await fetch(`${peer}/v1/groups/${g.group}/sync/blocks?from=${from}&limit=200`, {
      headers: signSyncRequest(g, from, o.nodeId, o.secretKey),
      // A peer that accepts the connection and never answers must not hold this node.
      signal: AbortSignal.timeout(PEER_TIMEOUT_MS),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return ((await res.json()) as { blocks: SyncBlock[] }).blocks;
  };
  for (const peer of o.peers) {
    // The next page, asked for while this one is applied (used only if it starts at our new head).
    let ahead: { from: number; page: Promise<SyncBlock[]> } | undefined;
    for (;;) {
      if (o.untilHeight !== undefined && g.latest.height >= o.untilHeight) return { applied, current };
      const from = g.latest.height + 1;
      let blocks: SyncBlock[];
      try {
        // A prefetch that failed (or timed out while a long page applied) is simply asked again.
        blocks = await (ahead?.from === from
          ? ahead.page.catch(() => fetchPage(peer, from))
          : fetchPage(peer, from));
      } catch (e) {
        o.logger.warn({ peer, err: e }, 'peer sync failed; trying the next peer');
        break;
      } finally {
        ahead = undefined;
      }
      if (blocks.length === 0) {
        current = true; // this peer has nothing beyond our head
        break;
      }
      const beyond = from + blocks.length;
      if (o.untilHeight === undefined || beyond <= o.untilHeight) {
        const page = fetchPage(peer, beyond);
        page.catch(() => {}); // awaited next round, or dropped when this page stops the peer
        ahead = { from: beyond, page };
      }
      const before = g.latest.height;
      try {
        applied += await applySyncPage(g, blocks, o.quorumPercent, peer);
      } catch (e) {
        // The peer's blocks past its final height carry only its own signature: take what is
        // certified and stop there (the stream supplies the rest). Anything else is a real failure.
        if (!(e instanceof GongzhiError && e.details.reason === 'uncertified')) throw e;
        applied += g.latest.height - before;
        o.logger.info({ peer, height: g.latest.height }, 'caught up from peer to its last certified block');
        break;
      }
      o.logger.info({ peer, height: g.latest.height }, 'caught up from peer');
    }
  }
  return { applied, current };
}

/**
 * Transactions per run of blocks that `applySyncPage` verifies and commits together: one SQLite
 * commit per run, and the next run's signatures verified on the pool while this one is applied.
 */
export const SYNC_RUN_TXS = 4000;

interface DecodedBlock {
  readonly header: BlockHeader;
  readonly certificate: { node: string; sig: Uint8Array }[];
  readonly txs: CandidateTx[];
}

/** A run decoded with its signature check under way, or the decoding error (thrown once the runs before it are in). */
interface PendingRun {
  readonly blocks: DecodedBlock[];
  readonly verified: Promise<void>;
  readonly error?: unknown;
}

/**
 * Apply one page of synced blocks in order. The page is cut into runs of consecutive blocks
 * (about `runTxs` transactions each); a run's transactions are decoded and their signatures
 * verified in one batch on the worker pool, and while the workers verify the next run this one
 * is replayed and committed in one SQLite transaction (`applyCertifiedRun`): each block's
 * certificate checked against our state at that height, the block re-executed (every signature
 * counted as checked only if it verified) and required to give the certified header. The blocks
 * before a refused one stay applied (`catchUpFromPeers` keeps a peer's certified prefix); the
 * refusal is then thrown. Returns the blocks applied.
 */
export async function applySyncPage(
  g: GroupLedger,
  blocks: readonly SyncBlock[],
  quorumPercent: number,
  peer?: string,
  runTxs = SYNC_RUN_TXS,
): Promise<number> {
  const runs: (readonly SyncBlock[])[] = [];
  for (let i = 0; i < blocks.length; ) {
    let n = 0;
    let j = i;
    while (j < blocks.length && (j === i || n < runTxs)) n += (blocks[j++] as SyncBlock).txs.length;
    runs.push(blocks.slice(i, j));
    i = j;
  }
  const start = (run: readonly SyncBlock[]): PendingRun => {
    let decoded: DecodedBlock[];
    try {
      decoded = run.map((b) => {
        const header = decodeHeader(fromBase64Url(b.header));
        return {
          header,
          certificate: b.signatures.map((s) => ({ node: s.node, sig: fromHex(s.sig) })),
          txs: g.syncCandidates(header, b.txs.map(fromBase64Url)),
        };
      });
    } catch (error) {
      return { blocks: [], verified: Promise.resolve(), error };
    }
    const verified = g.verifyCandidateSignatures(decoded.flatMap((d) => d.txs));
    verified.catch(() => {}); // awaited in turn; a run given up on must not leave it unhandled
    return { blocks: decoded, verified };
  };
  const accept = ({ header, certificate }: DecodedBlock) => {
    const hash = blockHash(g.suite, header);
    const cert = checkCertificate(g.stateReader(), g.suite, hash, certificate, quorumPercent);
    if (!cert.ok) {
      throw new GongzhiError('SYNC_FAILED', 'peer block is not certified by a quorum of organisations', {
        ...(peer === undefined ? {} : { peer }),
        height: header.height,
        orgs: cert.orgs.length,
        reason: 'uncertified',
      });
    }
  };
  let applied = 0;
  let current: PendingRun | undefined = runs[0] === undefined ? undefined : start(runs[0]);
  for (let i = 0; current !== undefined; i++) {
    const run: PendingRun = current;
    if (run.error !== undefined) throw run.error;
    const nextRun = runs[i + 1];
    // Decoded and queued on the workers now, verified while this run executes on this thread.
    const next = nextRun === undefined ? undefined : start(nextRun);
    await run.verified;
    const txs = run.blocks.flatMap((d) => d.txs);
    await g.runCandidateAdmitJobs(txs);
    applied += g.applyCertifiedRun(run.blocks, accept);
    current = next;
  }
  return applied;
}

export interface PeerSignatureOptions {
  readonly peers: readonly string[];
  readonly nodeId: string;
  readonly secretKey: Uint8Array;
  readonly logger: Logger;
}

/** How long one peer may take to answer a signature request before the next is asked. */
const SIGNATURE_TIMEOUT_MS = 5_000;

/**
 * The signatures each peer holds for block `height`, with the hash of the header it holds (a peer
 * where the block is final serves its certificate; elsewhere only that peer's own signature).
 * Nothing here is trusted: the finality tracker verifies every signature against the node keys in
 * its own state before counting it. Peers that fail or time out are skipped.
 */
export async function peerSignatures(
  g: GroupLedger,
  o: PeerSignatureOptions,
  height: number,
): Promise<{ height: number; hash: Uint8Array; node: string; sig: Uint8Array }[]> {
  const out: { height: number; hash: Uint8Array; node: string; sig: Uint8Array }[] = [];
  for (const peer of o.peers) {
    try {
      const res = await fetch(`${peer}/v1/groups/${g.group}/sync/blocks?from=${height}&limit=1`, {
        headers: signSyncRequest(g, height, o.nodeId, o.secretKey),
        signal: AbortSignal.timeout(SIGNATURE_TIMEOUT_MS),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const block = ((await res.json()) as { blocks: SyncBlock[] }).blocks[0];
      if (!block) continue; // the peer has not committed it yet
      const header = decodeHeader(fromBase64Url(block.header));
      if (header.height !== height) throw new Error(`peer answered height ${header.height}`);
      const hash = blockHash(g.suite, header);
      for (const s of block.signatures) out.push({ height, hash, node: s.node, sig: fromHex(s.sig) });
    } catch (e) {
      o.logger.debug({ peer, height, err: e }, 'peer did not supply block signatures');
    }
  }
  return out;
}
