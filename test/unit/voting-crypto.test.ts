import { sha256 } from '@noble/hashes/sha2';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/encoding/index.js';
import {
  type BallotContext,
  type BallotWire,
  type Ct,
  combine,
  createBallot,
  credentialFromSeed,
  decodeCt,
  discreteLog,
  electionKey,
  lagrange,
  makeTrusteeShares,
  openShare,
  partialDecrypt,
  proveTrusteeKey,
  RISTRETTO,
  sumCts,
  trusteeKeyFromSeed,
  VoteCryptoError,
  verificationKey,
  verifyBallot,
  verifyPartial,
  verifyTrusteeKey,
  verifyTrusteeShares,
} from '../../src/voting-crypto/index.js';

const grp = RISTRETTO;
type E = ReturnType<typeof grp.gpow>;
const seed = (s: string): Uint8Array => sha256(utf8(s));
const election = 'e1';
const n = 3;
const t = 2;

/** A complete DKG among three trustees, threshold two. */
function dkg() {
  const keys = [1, 2, 3].map((i) => trusteeKeyFromSeed(grp, seed(`trustee-${i}`)));
  const msgs = [1, 2, 3].map((i) =>
    makeTrusteeShares(
      grp,
      election,
      i,
      t,
      keys.map((k) => k.publicKey),
      seed(`trustee-${i}`),
    ),
  );
  const shares = [1, 2, 3].map((j) =>
    msgs.reduce(
      (acc, m, i) =>
        (acc + openShare(grp, election, i + 1, j, (keys[j - 1] as { secret: bigint }).secret, m)) % grp.q,
      0n,
    ),
  );
  return { keys, msgs, shares, y: electionKey<E>(grp, msgs) };
}

describe('voting crypto (ristretto255)', () => {
  const d = dkg();
  const ctx: BallotContext<E> = {
    grp,
    fingerprint: seed('fingerprint'),
    y: d.y,
    questions: [
      { answers: 3, min: 1, max: 2 },
      { answers: 2, min: 0, max: 1 },
    ],
  };

  it('trustee keys and round-2 messages carry proofs that verify, and a changed one does not', () => {
    for (let i = 1; i <= n; i++) {
      const k = d.keys[i - 1] as { publicKey: Uint8Array };
      const p = proveTrusteeKey(grp, election, i, seed(`trustee-${i}`));
      expect(verifyTrusteeKey(grp, election, i, k.publicKey, p)).toBe(true);
      expect(verifyTrusteeKey(grp, election, i + 1, k.publicKey, p)).toBe(false);
      const m = d.msgs[i - 1] as (typeof d.msgs)[number];
      expect(verifyTrusteeShares(grp, election, i, t, n, m)).toBe(true);
      const bad = { ...m, commitments: [m.commitments[1] as Uint8Array, m.commitments[0] as Uint8Array] };
      expect(verifyTrusteeShares(grp, election, i, t, n, bad)).toBe(false);
    }
  });

  it('a share that does not match the commitments is refused by its recipient', () => {
    const m = d.msgs[0] as (typeof d.msgs)[number];
    const other = d.msgs[1] as (typeof d.msgs)[number];
    const forged = { ...m, shares: [other.shares[0] as Uint8Array, ...m.shares.slice(1)] };
    expect(() => openShare(grp, election, 1, 1, (d.keys[0] as { secret: bigint }).secret, forged)).toThrow(
      VoteCryptoError,
    );
  });

  it('any two trustees hold shares of the same key: g^{Σλ s} = y for every pair', () => {
    for (const set of [
      [1, 2],
      [1, 3],
      [2, 3],
    ]) {
      let x = 0n;
      for (const j of set) x = (x + lagrange(grp, set, j) * (d.shares[j - 1] as bigint)) % grp.q;
      expect(grp.eq(grp.gpow(x), d.y)).toBe(true);
      for (const j of set)
        expect(grp.eq(grp.gpow(d.shares[j - 1] as bigint), verificationKey(grp, d.msgs, j))).toBe(true);
    }
  });

  it('ballots verify; weighted and head-count tallies decrypt with any two trustees', () => {
    const voters = [
      {
        w: 9000,
        sel: [
          [1, 0, 1],
          [0, 1],
        ],
      },
      {
        w: 12050,
        sel: [
          [0, 1, 0],
          [0, 0],
        ],
      },
      {
        w: 7000,
        sel: [
          [1, 1, 0],
          [1, 0],
        ],
      },
    ];
    const ballots = voters.map((v, i) =>
      createBallot(ctx, credentialFromSeed(grp, seed(`voter-${i}`)).secret, v.sel, seed(`ballot-${i}`)),
    );
    const cts = ballots.map((b) => verifyBallot(ctx, b));
    for (const [qi, q] of ctx.questions.entries()) {
      for (let ai = 0; ai < q.answers; ai++) {
        const col = cts.map((c) => (c[qi] as Ct<E>[])[ai] as Ct<E>);
        const plain = sumCts(grp, col);
        const weighted = sumCts(
          grp,
          col.map((c, i) => ({
            a: grp.pow(c.a, BigInt(voters[i]?.w ?? 0)),
            b: grp.pow(c.b, BigInt(voters[i]?.w ?? 0)),
          })),
        );
        for (const [ct, expected, bound] of [
          [plain, voters.reduce((s, v) => s + ((v.sel[qi] as number[])[ai] as number), 0), 3],
          [weighted, voters.reduce((s, v) => s + v.w * ((v.sel[qi] as number[])[ai] as number), 0), 28050],
        ] as const) {
          const factors = new Map<number, E>();
          for (const j of [3, 1]) {
            const pd = partialDecrypt(
              grp,
              ctx.fingerprint,
              j,
              d.shares[j - 1] as bigint,
              ct.a,
              7,
              5n + BigInt(j),
            );
            const vk = verificationKey<E>(grp, d.msgs, j);
            expect(verifyPartial(grp, ctx.fingerprint, j, vk, ct.a, 7, pd.factor, pd.proof)).toBe(true);
            expect(verifyPartial(grp, ctx.fingerprint, j, vk, ct.a, 8, pd.factor, pd.proof)).toBe(false);
            factors.set(j, grp.decode(pd.factor));
          }
          expect(discreteLog(grp, combine(grp, ct, factors), bound)).toBe(expected);
        }
      }
    }
  });

  it('the same seed gives the same ballot bytes; a changed ciphertext, proof or signature fails', () => {
    const cred = credentialFromSeed(grp, seed('voter-x'));
    const sel = [
      [1, 0, 0],
      [0, 1],
    ];
    const b1 = createBallot(ctx, cred.secret, sel, seed('b'));
    const b2 = createBallot(ctx, cred.secret, sel, seed('b'));
    expect(toHex(b1.signature)).toBe(toHex(b2.signature));
    const q0 = b1.answers[0] as BallotWire['answers'][number];
    const swapped: BallotWire = {
      ...b1,
      answers: [
        {
          ...q0,
          choices: [q0.choices[1] as Uint8Array, q0.choices[0] as Uint8Array, q0.choices[2] as Uint8Array],
        },
        ...b1.answers.slice(1),
      ],
    };
    expect(() => verifyBallot(ctx, swapped)).toThrow(/proof/);
    const sig = Uint8Array.from(b1.signature);
    sig[40] = (sig[40] as number) ^ 1;
    expect(() => verifyBallot(ctx, { ...b1, signature: sig })).toThrow(VoteCryptoError);
    const other = credentialFromSeed(grp, seed('voter-y'));
    expect(() => verifyBallot(ctx, { ...b1, credential: other.publicKey })).toThrow(/proof/);
    // Choosing none violates min 1 on question 0: the client refuses to build it.
    expect(() =>
      createBallot(
        ctx,
        cred.secret,
        [
          [0, 0, 0],
          [0, 0],
        ],
        seed('c'),
      ),
    ).toThrow(/choose 1..2/);
    expect(decodeCt(grp, q0.choices[0] as Uint8Array)).toBeDefined();
  });
});
