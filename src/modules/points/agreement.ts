import { type Codec, defineCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { ADDR_RE, ID_RE, MAX_AMOUNT } from './types.js';

/**
 * An exchange agreement between two programs (`xchg/<id>`): `rateA` minor units of program A are
 * worth `rateB` minor units of program B, both ways. Each issuer names the sponsor of its own
 * program that backs points arriving through the agreement (with money; "" without); A's sponsors
 * then owe B's backer the value of the A points that left, and vice versa — netted at settlement.
 */
export interface Agreement {
  readonly id: string;
  readonly a: string;
  readonly b: string;
  readonly rateA: number;
  readonly rateB: number;
  readonly backerA: string;
  readonly backerB: string;
  readonly status: 'proposed' | 'active' | 'ended';
  readonly proposedAt: number;
  readonly acceptedAt: number;
  /**
   * Most points of A that may be out on net (A→B minus B→A, in A's minor units), either way; 0: no
   * limit. Required between programs without money, where a member's debt could otherwise be
   * carried into the other bank without bound.
   */
  readonly positionLimit: number;
}

function rate(r: ShapeReader, f: string): number {
  const v = r.uint(f, MAX_AMOUNT);
  if (v < 1) r.fail(f, `a rate 1..${MAX_AMOUNT}`);
  return v;
}

function backer(r: ShapeReader, f: string): string {
  const v = r.str(f, 128, 0);
  if (v !== '' && !ADDR_RE.test(v)) r.fail(f, 'an account address or ""');
  return v;
}

/** The one codec of an exchange agreement. */
export const agreementCodec: Codec<Agreement> = defineCodec<Agreement>(
  'agreement',
  [
    'id',
    'a',
    'b',
    'rateA',
    'rateB',
    'backerA',
    'backerB',
    'status',
    'proposedAt',
    'acceptedAt',
    'positionLimit',
  ],
  (x) => ({
    id: x.id,
    a: x.a,
    b: x.b,
    rateA: x.rateA,
    rateB: x.rateB,
    backerA: x.backerA,
    backerB: x.backerB,
    status: x.status,
    proposedAt: x.proposedAt,
    acceptedAt: x.acceptedAt,
    positionLimit: x.positionLimit,
  }),
  (r) => ({
    id: r.match('id', ID_RE, 'an agreement id', 48),
    a: r.match('a', ID_RE, 'a program id', 48),
    b: r.match('b', ID_RE, 'a program id', 48),
    rateA: rate(r, 'rateA'),
    rateB: rate(r, 'rateB'),
    backerA: backer(r, 'backerA'),
    backerB: backer(r, 'backerB'),
    status: r.oneOf('status', ['proposed', 'active', 'ended'] as const),
    proposedAt: r.uint('proposedAt'),
    acceptedAt: r.uint('acceptedAt'),
    positionLimit: r.uint('positionLimit', MAX_AMOUNT),
  }),
);
