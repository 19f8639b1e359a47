import { getSuite } from '../crypto/index.js';
import { DEFAULT_PARAMS } from '../ledger/index.js';
import { evidenceModule } from '../modules/evidence/index.js';
import { MemoryChain } from '../testing/index.js';

/** What `benchExecution` measured. */
export interface ExecutionFigures {
  readonly txs: number;
  readonly blockTxs: number;
  readonly rounds: number;
  /** CPU time (user + system) per transaction in each round, µs. */
  readonly cpuUsPerTx: readonly number[];
  readonly medianCpuUsPerTx: number;
}

/**
 * Block execution alone — the module kit's path (authorize → parse → check → apply, codecs, the
 * state-root hash chain) — for evidence anchors on the real BlockExecutor (MemoryChain), signatures
 * taken as verified. Measured as process CPU time, not wall time, so that the figure holds up when
 * another process competes for the cores (compare runs by their medians).
 */
export function benchExecution(
  o: { txs?: number; rounds?: number; blockTxs?: number } = {},
): ExecutionFigures {
  const suite = getSuite('ed25519');
  const txs = o.txs ?? 20_000;
  const rounds = o.rounds ?? 5;
  const blockTxs = o.blockTxs ?? 1000;
  const keys = Array.from({ length: 200 }, () => suite.generateKeyPair());
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const mc = new MemoryChain({
      suite,
      modules: [evidenceModule],
      params: { ...DEFAULT_PARAMS, maxBlockTxs: Math.max(blockTxs, DEFAULT_PARAMS.maxBlockTxs) },
      timestamp: 1_700_000_000_000,
      chain: 'bench',
    });
    const candidates = Array.from({ length: txs }, (_, i) => {
      const digest = new Uint8Array(32);
      new DataView(digest.buffer).setUint32(0, i);
      digest[31] = round;
      const c = mc.tx(
        keys[i % keys.length] as (typeof keys)[number],
        'evidence',
        'anchor',
        {
          digest,
          alg: 'sha256',
          meta: { type: 'file', capturedBy: 'bench', capturedAt: 1, method: 'upload' },
        },
        { sign: false },
      );
      c.verified = true;
      return c;
    });
    const t0 = process.cpuUsage();
    let ok = 0;
    for (let i = 0; i < txs; i += blockTxs) {
      ok += mc.run(candidates.slice(i, i + blockTxs)).receipts.filter((r) => r.status === 'ok').length;
    }
    const used = process.cpuUsage(t0);
    if (ok !== txs) throw new Error(`execution bench: ${txs - ok} anchors failed`);
    samples.push(Number(((used.user + used.system) / txs).toFixed(1)));
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { txs, blockTxs, rounds, cpuUsPerTx: samples, medianCpuUsPerTx: Number(median.toFixed(1)) };
}
