import type { CborValue } from '../../encoding/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import { canonicalKeyOrder, numMapCodec } from './num-map.js';
import { ADDR_RE, CURRENCY_RE, ID_RE } from './types.js';

/** Most disputes one statement records. */
export const MAX_DISPUTES = 64;

/** A signature of a statement by one of its parties. */
export interface StatementSig {
  readonly height: number;
  readonly tx: Uint8Array;
}

/** A dispute recorded by a party that has not signed. */
export interface Dispute {
  readonly by: string;
  readonly reason: string;
  readonly height: number;
  readonly tx: Uint8Array;
}

/**
 * A settlement statement (`stmt/<digest hex>`): what one party owes another for a period (`pair`),
 * or a distributor's activity (`activity`). `digest` = H(canonical body); the parties sign it.
 */
export interface Statement {
  readonly digest: Uint8Array;
  readonly kind: 'pair' | 'activity';
  readonly book: string;
  readonly period: number;
  readonly parties: readonly string[];
  readonly body: CborMap;
  readonly sigs: Readonly<Record<string, StatementSig>>;
  readonly disputes: readonly Dispute[];
  readonly status: 'open' | 'agreed' | 'disputed';
}

const WINDOW = ['fromHeight', 'fromTs', 'toHeight', 'toTs'] as const;
const PAIR_BODY = ['kind', 'book', 'currency', 'period', ...WINDOW, 'a', 'b', 'aToB', 'bToA'] as const;
const ACTIVITY_BODY = ['kind', 'book', 'period', ...WINDOW, 'program', 'distributor', 'clearing'] as const;

const addr = (r: ShapeReader, f: string): string => r.match(f, ADDR_RE, 'an account address', 128);

/** The map `m` with its keys in canonical order (as decoded from stored bytes). */
function canonicalMap<T>(m: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(m).sort(canonicalKeyOrder)) out[k] = m[k] as T;
  return out;
}

/** The statement body, checked field by field for its kind and rebuilt in canonical key order. */
function readBody(r: ShapeReader, kind: Statement['kind']): CborMap {
  const body: Record<string, CborValue> = {};
  if (kind === 'pair') {
    const b = r.nested('body', [...PAIR_BODY, 'netPayer', 'netPayee', 'net', 'offsetAToB', 'offsetBToA']);
    body.kind = b.oneOf('kind', ['pair'] as const);
    body.currency = b.match('currency', CURRENCY_RE, 'a currency code', 8);
    for (const f of ['a', 'b', 'netPayer', 'netPayee']) body[f] = addr(b, f);
    for (const f of ['aToB', 'bToA', 'net']) body[f] = b.uint(f);
    // a receivable kept from the payment at this close (present only when positive)
    for (const f of ['offsetAToB', 'offsetBToA']) {
      if (!b.has(f)) continue;
      const v = b.uint(f);
      if (v === 0) b.fail(f, 'a positive integer (0 is not stored)');
      body[f] = v;
    }
    readCommon(b, body);
  } else {
    const b = r.nested('body', [...ACTIVITY_BODY, 'counters']);
    body.kind = b.oneOf('kind', ['activity'] as const);
    body.program = b.match('program', ID_RE, 'a program id', 48);
    body.distributor = addr(b, 'distributor');
    body.clearing = addr(b, 'clearing');
    body.counters = numMapCodec.encode(numMapCodec.decode(b.raw('counters')));
    readCommon(b, body);
  }
  return canonicalMap(body);
}

function readCommon(b: ShapeReader, body: Record<string, CborValue>): void {
  body.book = b.str('book', 140);
  body.period = b.uint('period');
  for (const f of WINDOW) body[f] = b.uint(f);
}

/** The one codec of a statement. */
export const statementCodec: Codec<Statement> = defineCodec<Statement>(
  'statement',
  ['digest', 'kind', 'book', 'period', 'parties', 'body', 'sigs', 'disputes', 'status'],
  (s) => {
    const sigs: Record<string, CborValue> = {};
    for (const [k, v] of Object.entries(s.sigs)) sigs[k] = { height: v.height, tx: v.tx };
    return {
      digest: s.digest,
      kind: s.kind,
      book: s.book,
      period: s.period,
      parties: [...s.parties],
      body: s.body,
      sigs,
      disputes: s.disputes.map((d) => ({ by: d.by, reason: d.reason, height: d.height, tx: d.tx })),
      status: s.status,
    };
  },
  (r) => {
    const kind = r.oneOf('kind', ['pair', 'activity'] as const);
    const parties = r.strs('parties', 2, 128, true);
    if (parties.length === 0 || !parties.every((p) => ADDR_RE.test(p))) {
      r.fail('parties', 'one or two account addresses');
    }
    const sm = r.map_('sigs');
    const sigs: Record<string, StatementSig> = {};
    for (const k of Object.keys(sm).sort(canonicalKeyOrder)) {
      if (!parties.includes(k)) r.fail('sigs', 'signatures of parties only');
      const s = r.sub(sm[k] as CborValue, `${r.what}.sigs.${k}`, ['height', 'tx']);
      sigs[k] = { height: s.uint('height'), tx: s.digest('tx') };
    }
    const disputes = r.list('disputes', MAX_DISPUTES, (v, at) => {
      const d = r.sub(v, at, ['by', 'reason', 'height', 'tx']);
      return {
        by: addr(d, 'by'),
        reason: d.str('reason', 512),
        height: d.uint('height'),
        tx: d.digest('tx'),
      };
    });
    return {
      digest: r.digest('digest'),
      kind,
      book: r.str('book', 140),
      period: r.uint('period'),
      parties,
      body: readBody(r, kind),
      sigs,
      disputes,
      status: r.oneOf('status', ['open', 'agreed', 'disputed'] as const),
    };
  },
);
