import { type KeyPair, VerifyPool } from '../crypto/index.js';
import { ModuleRegistry } from '../execution/index.js';
import { BUILTIN_MODULES } from '../modules/index.js';
import {
  castArgs,
  computeResult,
  credential,
  decryptArgs,
  recordFromJson,
  verifyElectionRecord,
  verifyElectionRecordOn,
} from '../modules/voting/index.js';
import { poolJobRunner } from '../node/admit-job-runner.js';
import { seedOf, VotingSandbox } from '../testing/index.js';
import { ristrettoBackend, ristrettoNativeUnavailableReason } from '../voting-crypto/ristretto-native.js';

export interface BenchVotingOptions {
  /** Ballots in the tally + decryption + verification run (default 200; the figure is 10,000). */
  readonly ballots?: number;
  /** Ballots per block in the admission run (default 50). */
  readonly blockSize?: number;
  readonly log?: (message: string) => void;
  /** Also verify the record with the portable @noble path (slow: ~10× the native time). */
  readonly comparePortable?: boolean;
  /** Also verify the record with its ballots on a verify pool of this many workers (0: not). */
  readonly workers?: number;
}

export interface VotingBenchResult {
  readonly group: 'ed25519';
  readonly questions: number;
  readonly ballots: number;
  /** Client side: ballots encrypted and proved per second (one core). */
  readonly ballotsBuiltPerSec: number;
  /** Ballots admitted per second through the block executor (all proofs and the signature verified, tallies updated). */
  readonly ballotsAdmittedPerSec: number;
  /** Two trustees' partial decryptions with proofs, checked by the ledger (ms). */
  readonly decryptMs: number;
  /** Discrete logs of the tallies and the ledger's check of the result (ms). */
  readonly tallyMs: number;
  /** `verifyElectionRecord` of the whole record: every ballot, the tallies, the decryptions, the result (ms). */
  readonly verifyMs: number;
  /** decryptMs + tallyMs + verifyMs: the "tally + threshold decryption + full verification". */
  readonly tallyDecryptVerifyMs: number;
  /** The same record verified by the portable path, in the same run (with `comparePortable`). */
  readonly verifyPortableMs?: number;
  /** The same verification with the ballots' proofs on `workers` verify-pool workers (with `workers`). */
  readonly verifyPoolMs?: number;
  readonly workers?: number;
  /** Which ristretto255 arithmetic admitted and verified: 'native' (libsodium addon) or 'portable'. */
  readonly backend: 'native' | 'portable';
  readonly ballotBytes: number;
}

/** Three questions: two of four candidates, a yes/no by-law, one of three budget options. */
const QUESTIONS = [
  { question: 'Committee (up to two)', answers: ['A', 'B', 'C', 'D'], min: 0, max: 2 },
  { question: 'By-law', answers: ['yes'], min: 0, max: 1 },
  { question: 'Budget', answers: ['low', 'mid', 'high'], min: 1, max: 1 },
];
const pick = (i: number): number[][] => [
  [i % 2, (i >> 1) % 2, 0, 0],
  [i % 3 === 0 ? 1 : 0],
  [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)),
];

/**
 * The voting benchmark on the real block executor (MemoryChain, ed25519 ledger, ristretto255
 * election): ballots built, ballots admitted (every proof checked in `check`), then two of three
 * trustees decrypt, the result is computed and checked by the ledger, and the whole record is
 * verified offline.
 */
export async function benchVoting(o: BenchVotingOptions = {}): Promise<VotingBenchResult> {
  const n = o.ballots ?? 200;
  const block = o.blockSize ?? 50;
  const log = o.log ?? (() => undefined);
  const sb = new VotingSandbox(3);
  const id = 'bench';
  sb.ok(sb.registrar, 'create', {
    id,
    kind: 'election',
    title: 'bench',
    questions: QUESTIONS,
    trustees: sb.trustees.map((k) => sb.address(k)),
    threshold: 2,
  });
  for (let i = 0; i < n; i += 500) {
    const voters = [];
    for (let j = i; j < Math.min(n, i + 500); j++) {
      voters.push({
        credential: credential({ group: 'ed25519' }, seedOf(`v${j}`)).publicKey,
        weight: 5000 + (j % 97) * 100,
      });
    }
    sb.ok(sb.registrar, 'enrol', { election: id, voters });
  }
  sb.runDkg(id);
  sb.ok(sb.registrar, 'freeze', { election: id });
  sb.ok(sb.registrar, 'open', { election: id });
  const e = sb.record(id).election;
  log(`voting: building ${n} ballots (3 questions)`);
  let t = performance.now();
  const args = Array.from({ length: n }, (_, i) => castArgs(e, seedOf(`v${i}`), pick(i), seedOf(`b${i}`)));
  const buildMs = performance.now() - t;
  log(`voting: admitting ${n} ballots`);
  t = performance.now();
  for (let i = 0; i < n; i += block) {
    const rs = sb.batch(
      args.slice(i, i + block).map((a) => ({ key: sb.registrar, method: 'cast', args: a })),
    );
    const bad = rs.find((r) => r.status !== 'ok');
    if (bad !== undefined) throw new Error(`ballot refused: ${bad.status} ${bad.message ?? ''}`);
  }
  const admitMs = performance.now() - t;
  sb.ok(sb.registrar, 'close', { election: id });
  t = performance.now();
  for (const j of [1, 3]) {
    sb.ok(
      sb.trustees[j - 1] as KeyPair,
      'decrypt',
      decryptArgs(sb.record(id), j, seedOf(`trustee-${id}-${j}`)),
    );
  }
  const decryptMs = performance.now() - t;
  t = performance.now();
  const res = computeResult(sb.record(id));
  sb.ok(sb.registrar, 'tally', { election: id, plain: res.plain, weighted: res.weighted });
  const tallyMs = performance.now() - t;
  const json = sb.query('record', { election: id });
  t = performance.now();
  const v = verifyElectionRecord(recordFromJson(json));
  const verifyMs = performance.now() - t;
  if (!v.valid) throw new Error(`record did not verify: ${v.errors.join(', ')}`);
  let verifyPortableMs: number | undefined;
  if (o.comparePortable === true) {
    log(`voting: verifying the record again with the portable path`);
    t = performance.now();
    const p = verifyElectionRecord(recordFromJson(json), { portable: true });
    verifyPortableMs = Math.round(performance.now() - t);
    if (!p.valid) throw new Error(`record did not verify (portable): ${p.errors.join(', ')}`);
  }
  let verifyPoolMs: number | undefined;
  if ((o.workers ?? 0) > 0) {
    const pool = new VerifyPool(o.workers ?? 0);
    try {
      const runner = poolJobRunner(pool, new ModuleRegistry(BUILTIN_MODULES));
      log(`voting: verifying the record again with its ballots on ${o.workers} verify workers`);
      const rec = recordFromJson(json);
      // Warm-up, not measured: each worker loads the module job tables (and the addon) on its first job.
      await verifyElectionRecordOn({ ...rec, ballots: rec.ballots.slice(0, o.workers) }, runner);
      t = performance.now();
      const p = await verifyElectionRecordOn(rec, runner);
      verifyPoolMs = Math.round(performance.now() - t);
      if (!p.valid) throw new Error(`record did not verify (pool): ${p.errors.join(', ')}`);
    } finally {
      await pool.close();
    }
  }
  return {
    group: 'ed25519',
    questions: QUESTIONS.length,
    ballots: n,
    ballotsBuiltPerSec: Math.round((n / buildMs) * 1000 * 10) / 10,
    ballotsAdmittedPerSec: Math.round((n / admitMs) * 1000 * 10) / 10,
    decryptMs: Math.round(decryptMs),
    tallyMs: Math.round(tallyMs),
    verifyMs: Math.round(verifyMs),
    tallyDecryptVerifyMs: Math.round(decryptMs + tallyMs + verifyMs),
    ...(verifyPortableMs === undefined ? {} : { verifyPortableMs }),
    ...(verifyPoolMs === undefined ? {} : { verifyPoolMs, workers: o.workers }),
    backend: ristrettoBackend(),
    ballotBytes: sb.mc.tx(sb.registrar, 'voting', 'cast', args[0] ?? {}).bytes.length,
  };
}

/**
 * `npm run bench -- --only-voting [--voting-ballots N] [--voting-compare] [--admit-workers W]`
 * (and `--voting` in the full run): the 10,000-ballot figure by default; with W > 0 the
 * record is verified a second time with its ballots on W verify workers.
 */
export async function reportVoting(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
  log: (message: string) => void,
): Promise<void> {
  const v = await benchVoting({
    ballots: arg('--voting-ballots', 10_000),
    log,
    comparePortable: process.argv.includes('--voting-compare'),
    workers: arg('--admit-workers', 0),
  });
  const backend =
    v.backend === 'native' ? 'native libsodium' : `portable (${ristrettoNativeUnavailableReason ?? ''})`;
  report(
    { bench: 'voting', ...v },
    `voting (${v.group}, ${v.questions} questions, ${v.ballotBytes}-byte ballot tx, ${backend}): ${v.ballotsBuiltPerSec} ballots built/s, ` +
      `${v.ballotsAdmittedPerSec} admitted/s with proofs; ${v.ballots} ballots: decryption ${v.decryptMs} ms, ` +
      `tally ${v.tallyMs} ms, full record verification ${v.verifyMs} ms — tally + decryption + verification ${v.tallyDecryptVerifyMs} ms` +
      (v.verifyPortableMs === undefined ? '' : `; the same verification portable ${v.verifyPortableMs} ms`) +
      (v.verifyPoolMs === undefined
        ? ''
        : `; with the ballots on ${v.workers} verify workers ${v.verifyPoolMs} ms ` +
          `(tally + decryption + verification ${v.decryptMs + v.tallyMs + v.verifyPoolMs} ms)`),
  );
}
