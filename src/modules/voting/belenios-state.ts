import { sha256 } from '@noble/hashes/sha2';
import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineCodec, stateKey } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { BeleniosError } from '../../voting-crypto/belenios/index.js';
import { type Election, MODULE } from './types.js';

/**
 * State of an election run in Belenios' group (`group: "BELENIOS-2048"`): everything is kept as
 * the exact Belenios JSON strings, because every Belenios hash is over those bytes and the export
 * must reproduce them. Keys under `voting/e/<id>/bel…`.
 */
export const BELENIOS = 'BELENIOS-2048';
export const isBelenios = (e: Election): boolean => e.group === BELENIOS;

export const belKeys = {
  election: (id: string): string => stateKey(MODULE, 'e', id, 'bel'),
  trustee: (id: string, i: number): string => stateKey(MODULE, 'e', id, 'bel-trustee', String(i)),
  ballot: (id: string, credHex: string): string => stateKey(MODULE, 'e', id, 'bel-ballot', credHex),
  tally: (id: string): string => stateKey(MODULE, 'e', id, 'bel-tally'),
};

/** Longest Belenios message we store (a ballot of 8 questions × 16 answers is ≈ 120 kB). */
export const MAX_JSON = 262_144;

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** The Belenios uuid of an election: 22 base-58 digits of SHA-256(chain ‖ group ‖ id). */
export function beleniosUuid(e: Pick<Election, 'id' | 'ledger'>): string {
  let n = 0n;
  for (const b of sha256(new TextEncoder().encode(`${e.ledger.chain}\n${e.ledger.group}\n${e.id}`)))
    n = (n << 8n) | BigInt(b);
  let s = '';
  for (let i = 0; i < 22; i++) {
    s += B58[Number(n % 58n)];
    n /= 58n;
  }
  return s;
}

/** An element as stored and enrolled: 256 bytes big-endian. */
export const elementBytes = (x: bigint): Uint8Array => {
  const hex = x.toString(16).padStart(512, '0');
  return Uint8Array.from({ length: 256 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
};
export const bytesElement = (b: Uint8Array): bigint => BigInt(`0x${toHex(b) || '0'}`);

/** A trustee's three key-generation messages and, after close, its two partial decryptions. */
export interface BelTrustee {
  readonly index: number;
  readonly cert?: string;
  readonly coefexps?: string;
  readonly secrets?: readonly string[];
  readonly vkey?: string;
  /** Partial decryptions (Belenios `partial_decryption`) of the weighted and the head-count tally. */
  readonly weighted?: string;
  readonly plain?: string;
}

const optStr = (r: ShapeReader, f: string): string | undefined => (r.has(f) ? r.str(f, MAX_JSON) : undefined);
const opt = <K extends string>(k: K, v: string | undefined): { [P in K]?: string } =>
  (v === undefined ? {} : { [k]: v }) as { [P in K]?: string };

export const belTrusteeCodec = defineCodec<BelTrustee>(
  'belenios trustee',
  ['index', 'cert', 'coefexps', 'secrets', 'vkey', 'weighted', 'plain'],
  (t) => ({
    index: t.index,
    ...opt('cert', t.cert),
    ...opt('coefexps', t.coefexps),
    ...(t.secrets === undefined ? {} : { secrets: [...t.secrets] }),
    ...opt('vkey', t.vkey),
    ...opt('weighted', t.weighted),
    ...opt('plain', t.plain),
  }),
  (r) => {
    const cert = optStr(r, 'cert');
    const coefexps = optStr(r, 'coefexps');
    const vkey = optStr(r, 'vkey');
    const weighted = optStr(r, 'weighted');
    const plain = optStr(r, 'plain');
    return {
      index: r.uint('index'),
      ...(cert === undefined ? {} : { cert }),
      ...(coefexps === undefined ? {} : { coefexps }),
      ...(r.has('secrets') ? { secrets: r.strs('secrets', 64, 4096) } : {}),
      ...(vkey === undefined ? {} : { vkey }),
      ...(weighted === undefined ? {} : { weighted }),
      ...(plain === undefined ? {} : { plain }),
    };
  },
);

/** The election as Belenios sees it, fixed at open: the exact `election` JSON. */
export const belElectionCodec = defineCodec<{ election: string }>(
  'belenios election',
  ['election'],
  (x) => ({ election: x.election }),
  (r) => ({ election: r.str('election', MAX_JSON) }),
);

/** A credential's last ballot: its exact JSON, its admission number and its weight. */
export interface BelBallot {
  readonly json: string;
  readonly order: number;
  readonly weight: number;
}
export const belBallotCodec = defineCodec<BelBallot>(
  'belenios ballot',
  ['json', 'order', 'weight'],
  (b) => ({ json: b.json, order: b.order, weight: b.weight }),
  (r) => ({ json: r.str('json', MAX_JSON), order: r.uint('order'), weight: r.uint('weight') }),
);

/** Running tallies, per answer (flattened) `"α,β"` in base 10: weighted and head-count. */
export interface BelTally {
  readonly ballots: number;
  readonly weight: number;
  /** Ballots admitted so far, re-votes included (the next ballot's admission number). */
  readonly admitted: number;
  readonly weighted: readonly string[];
  readonly plain: readonly string[];
}
export const belTallyCodec = defineCodec<BelTally>(
  'belenios tally',
  ['ballots', 'weight', 'admitted', 'weighted', 'plain'],
  (t) => ({
    ballots: t.ballots,
    weight: t.weight,
    admitted: t.admitted,
    weighted: [...t.weighted],
    plain: [...t.plain],
  }),
  (r) => ({
    ballots: r.uint('ballots'),
    weight: r.uint('weight'),
    admitted: r.uint('admitted'),
    weighted: r.strs('weighted', 256, 1400),
    plain: r.strs('plain', 256, 1400),
  }),
);

/** Run a Belenios check, turning its failure into the module's code for it. */
export function belCheck<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SyntaxError) throw new GongzhiError('VOTING_BAD_BALLOT', `${what}: not JSON`, {});
    if (!(e instanceof BeleniosError)) throw e;
    const code =
      e.reason === 'BAD_PROOF'
        ? 'VOTING_BAD_PROOF'
        : e.reason === 'BAD_SIGNATURE'
          ? 'VOTING_BAD_SIGNATURE'
          : 'VOTING_BAD_BALLOT';
    throw new GongzhiError(code, `${what}: ${e.message}`, { reason: e.reason });
  }
}
