import { type Codec, defineCodec } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { ID_RE } from './types.js';

/**
 * A settlement statement between the two programs of an exchange agreement
 * (`xstmt/<agreement>/<n>`): the conversions each way since the previous statement and the net
 * position before and after, in A's minor units (A points out in B minus those back). Both issuers
 * sign it (the one who draws it up signs by doing so); the other may dispute it instead. A new
 * statement waits until the previous one is signed by both.
 */
export interface InterbankStatement {
  readonly agreement: string;
  readonly n: number;
  readonly a: string;
  readonly b: string;
  readonly fromHeight: number;
  readonly toHeight: number;
  readonly toTs: number;
  /** A→B and B→A conversions in this statement's window, in A's minor units. */
  readonly aToB: number;
  readonly bToA: number;
  /** Cumulative A→B and B→A at the end of the window (the next statement starts from them). */
  readonly cumAToB: number;
  readonly cumBToA: number;
  readonly opening: number;
  readonly closing: number;
  readonly digest: Uint8Array;
  readonly signedA: boolean;
  readonly signedB: boolean;
  readonly dispute: string;
}

const BODY = [
  'agreement',
  'n',
  'a',
  'b',
  'fromHeight',
  'toHeight',
  'toTs',
  'aToB',
  'bToA',
  'cumAToB',
  'cumBToA',
  'opening',
  'closing',
] as const;

/** What the statement's digest covers. */
export function interbankBody(
  s: Omit<InterbankStatement, 'digest' | 'signedA' | 'signedB' | 'dispute'>,
): CborMap {
  return {
    agreement: s.agreement,
    n: s.n,
    a: s.a,
    b: s.b,
    fromHeight: s.fromHeight,
    toHeight: s.toHeight,
    toTs: s.toTs,
    aToB: s.aToB,
    bToA: s.bToA,
    cumAToB: s.cumAToB,
    cumBToA: s.cumBToA,
    opening: s.opening,
    closing: s.closing,
  };
}

export const interbankCodec: Codec<InterbankStatement> = defineCodec<InterbankStatement>(
  'interbank statement',
  [...BODY, 'digest', 'signedA', 'signedB', 'dispute'],
  (s) => ({
    ...interbankBody(s),
    digest: s.digest,
    signedA: s.signedA,
    signedB: s.signedB,
    dispute: s.dispute,
  }),
  (r) => ({
    agreement: r.match('agreement', ID_RE, 'an agreement id', 48),
    n: r.uint('n'),
    a: r.match('a', ID_RE, 'a program id', 48),
    b: r.match('b', ID_RE, 'a program id', 48),
    fromHeight: r.uint('fromHeight'),
    toHeight: r.uint('toHeight'),
    toTs: r.uint('toTs'),
    aToB: r.uint('aToB'),
    bToA: r.uint('bToA'),
    cumAToB: r.uint('cumAToB'),
    cumBToA: r.uint('cumBToA'),
    opening: r.int('opening'),
    closing: r.int('closing'),
    digest: r.digest('digest'),
    signedA: r.bool('signedA'),
    signedB: r.bool('signedB'),
    dispute: r.str('dispute', 256, 0),
  }),
);
