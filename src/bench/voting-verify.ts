import { seedOf } from '../testing/index.js';
import {
  type AnyGroup,
  type BallotContext,
  type BallotWire,
  checkBallot,
  createBallot,
  credentialFromSeed,
  preparedKey,
  RISTRETTO,
  verifyBallot,
} from '../voting-crypto/index.js';
import { ristrettoBackend, ristrettoNativeUnavailableReason } from '../voting-crypto/ristretto-native.js';

/**
 * The group as ballot verification used it before this change: every α/β exponent through the
 * double-and-add ladder, g's public exponents through the constant-time path, every element
 * encoded afresh. Kept here so the speed-up is measured in the same run, on the same ballots,
 * against the same load.
 */
const LADDER: AnyGroup = {
  ...RISTRETTO,
  encode: (e: { toBytes(): Uint8Array }) => e.toBytes(),
  pow: (a, k) => (a === RISTRETTO.g ? RISTRETTO.gpow(k) : RISTRETTO.pow(a, k)),
  multiplier: (a) => (k) => RISTRETTO.pow(a, k),
};

const QUESTIONS = [
  { answers: 4, min: 0, max: 2 },
  { answers: 1, min: 0, max: 1 },
  { answers: 3, min: 1, max: 1 },
];

export interface VotingVerifyBench {
  readonly ballots: number;
  readonly questions: number;
  /** Ballots verified per second (every proof and the signature), one core, new path. */
  readonly verifiedPerSec: number;
  /** The same ballots through the ladder (the path before), in the same run. */
  readonly ladderPerSec: number;
  readonly speedup: number;
  /** The same ballots through `checkBallot` with the libsodium addon (undefined without it). */
  readonly nativePerSec?: number;
  /** Native over the portable fast path, same run. */
  readonly nativeSpeedup?: number;
}

/**
 * `npm run bench -- --only-voting-verify [--voting-ballots N]`: ristretto255 ballots (three
 * questions, 8 choices, 22 proof pairs) verified by `verifyBallot`, the fast path and the ladder
 * alternating in rounds so both see the same machine load.
 */
export function benchVotingVerify(n: number): VotingVerifyBench {
  const y = RISTRETTO.gpow(0x5eed_5eedn);
  const ctx = (grp: AnyGroup): BallotContext<unknown> => ({
    grp,
    fingerprint: seedOf('bench-fingerprint'),
    y: preparedKey(RISTRETTO, RISTRETTO.encode(y)),
    questions: QUESTIONS,
  });
  const fast = ctx(RISTRETTO);
  const ladder = ctx(LADDER);
  const ballots: BallotWire[] = Array.from({ length: n }, (_, i) =>
    createBallot(
      fast,
      credentialFromSeed(RISTRETTO, seedOf(`v${i}`)).secret,
      [[i % 2, (i >> 1) % 2, 0, 0], [i % 3 === 0 ? 1 : 0], [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0))],
      seedOf(`b${i}`),
    ),
  );
  let fastMs = 0;
  let ladderMs = 0;
  let nativeMs = 0;
  const native = ristrettoBackend() === 'native';
  for (let i = 0; i < n; i += 10) {
    const round = ballots.slice(i, i + 10);
    let t = performance.now();
    if (native) {
      for (const b of round) checkBallot(fast, b);
      nativeMs += performance.now() - t;
      t = performance.now();
    }
    for (const b of round) verifyBallot(fast, b);
    fastMs += performance.now() - t;
    t = performance.now();
    for (const b of round) verifyBallot(ladder, b);
    ladderMs += performance.now() - t;
  }
  const rate = (ms: number) => Math.round((n / ms) * 1000 * 10) / 10;
  return {
    ballots: n,
    questions: QUESTIONS.length,
    verifiedPerSec: rate(fastMs),
    ladderPerSec: rate(ladderMs),
    speedup: Math.round((ladderMs / fastMs) * 100) / 100,
    ...(native
      ? { nativePerSec: rate(nativeMs), nativeSpeedup: Math.round((fastMs / nativeMs) * 100) / 100 }
      : {}),
  };
}

/** `npm run bench -- --only-voting-verify [--voting-ballots N]` (default 40). */
export async function reportVotingVerify(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
): Promise<void> {
  const v = benchVotingVerify(arg('--voting-ballots', 40));
  report(
    { bench: 'voting-verify', group: 'ed25519', ...v },
    `voting ballot verification (ristretto255, ${v.questions} questions, one core): ${v.verifiedPerSec} ballots/s ` +
      `with shared doublings vs ${v.ladderPerSec}/s by the ladder in the same run (×${v.speedup}); ` +
      (v.nativePerSec === undefined
        ? `native: ${ristrettoNativeUnavailableReason ?? 'off'}; `
        : `${v.nativePerSec}/s native (libsodium, ×${v.nativeSpeedup} over the portable fast path); `) +
      `${v.ballots} ballots`,
  );
}
