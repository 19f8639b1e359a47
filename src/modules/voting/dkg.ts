import { GongzhiError } from '../../errors/index.js';
import { defineCodec, readStored, stateKey } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import type { TrusteeSharesWire } from '../../voting-crypto/index.js';
import { atValue, readAt } from './codecs.js';
import { type DkgRecord, LIMITS, MODULE, type TrusteeRecord } from './types.js';

/** `voting/e/<id>/dkg`: written only once a complaint is filed (no complaint, no record). */
export const dkgKey = (id: string): string => stateKey(MODULE, 'e', id, 'dkg');

const MAX_COMPLAINTS = LIMITS.trustees * (LIMITS.trustees - 1);

export const dkgCodec = defineCodec<DkgRecord>(
  'key-generation complaints',
  ['complaints', 'disqualified'],
  (d) => ({
    complaints: d.complaints.map((c) => ({
      by: c.by,
      against: c.against,
      at: atValue(c.at),
      ...(c.share === undefined ? {} : { share: c.share }),
    })),
    disqualified: [...d.disqualified],
  }),
  (r) => ({
    complaints: r.list('complaints', MAX_COMPLAINTS, (v, p) => {
      const c = r.sub(v, p, ['by', 'against', 'at', 'share']);
      return {
        by: c.uint('by', LIMITS.trustees),
        against: c.uint('against', LIMITS.trustees),
        at: readAt(c, 'at'),
        ...(c.has('share') ? { share: c.bytes('share', 32) } : {}),
      };
    }),
    disqualified: r.list('disqualified', LIMITS.trustees, (v, p) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
        r.fail('disqualified', `indices (${p})`);
      return v as number;
    }),
  }),
);

const EMPTY: DkgRecord = { complaints: [], disqualified: [] };

/** The election's complaint record (empty when no complaint was ever filed). */
export function readDkg(state: StateReader, id: string): DkgRecord {
  return readStored(state, dkgKey(id), dkgCodec) ?? EMPTY;
}

/**
 * Complaints still open: unanswered, between two trustees neither of whom is disqualified (a
 * disqualified trustee's shares and complaints no longer matter).
 */
export const pendingComplaints = (d: DkgRecord) =>
  d.complaints.filter(
    (c) => c.share === undefined && !d.disqualified.includes(c.by) && !d.disqualified.includes(c.against),
  );

/** Whether trustee `t` has a complaint against it that it has not answered. */
export const isAccused = (d: DkgRecord, t: number): boolean =>
  pendingComplaints(d).some((c) => c.against === t);

/** Trustee indices 1..n not disqualified. */
export function qualifiedIndices(n: number, d: DkgRecord): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((j) => !d.disqualified.includes(j));
}

/**
 * The round-2 messages of the qualified trustees (index order), from which the election key, the
 * fingerprint and every verification key are formed. CHAIN_INVALID when one is missing.
 */
export function qualifiedMessages(
  ts: readonly (TrusteeRecord | undefined)[],
  d: DkgRecord,
): TrusteeSharesWire[] {
  return qualifiedIndices(ts.length, d).map((j) => {
    const m = ts[j - 1]?.shares;
    if (m === undefined) throw new GongzhiError('CHAIN_INVALID', `trustee ${j} has no key-generation shares`);
    return m;
  });
}

/** The revealed share `f_from(to)`, if `to` complained about `from` and `from` answered. */
export function revealedShare(d: DkgRecord, from: number, to: number): Uint8Array | undefined {
  return d.complaints.find((c) => c.against === from && c.by === to)?.share;
}
