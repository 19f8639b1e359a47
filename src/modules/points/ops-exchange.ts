import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import { moneyOf } from './books.js';
import type { Env } from './env.js';
import { Args, op } from './op.js';
import { bookIdOf, keys, Rec } from './state.js';
import type { Program } from './types.js';

/**
 * An exchange agreement between two programs: `rateA` minor units of program A are worth `rateB`
 * minor units of program B, both ways. Each issuer names the sponsor of its own program that backs
 * points arriving through the agreement (with money); A's sponsors then owe B's backer the value of
 * the A points that left, and vice versa — netted at settlement.
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
}

export function parseAgreement(v: CborValue | undefined): Agreement {
  const r = Rec.of(v, 'agreement');
  const status = r.str('status');
  if (status !== 'proposed' && status !== 'active' && status !== 'ended') {
    throw new GongzhiError('EXEC_INTERNAL', 'stored agreement status is unknown');
  }
  return {
    id: r.str('id'),
    a: r.str('a'),
    b: r.str('b'),
    rateA: r.int('rateA'),
    rateB: r.int('rateB'),
    backerA: r.str('backerA'),
    backerB: r.str('backerB'),
    status,
    proposedAt: r.int('proposedAt'),
    acceptedAt: r.int('acceptedAt'),
  };
}

function agreementValue(x: Agreement): CborMap {
  return { ...x };
}

function readAgreement(env: Env, id: string): Agreement {
  const v = env.get(keys.agreement(id));
  if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no agreement ${id}`, { agreement: id });
  return parseAgreement(v);
}

/** With money, the backer must be a sponsor of the program; without, there is none. */
function checkBacker(env: Env, p: Program, backer: string): void {
  if (p.value === 0) {
    if (backer !== '') throw new GongzhiError('POINTS_BAD_CONFIG', 'a program without money has no backer');
    return;
  }
  if (backer === '') {
    throw new GongzhiError('EXEC_BAD_ARGS', 'args.backer is required in a program with money', {
      field: 'backer',
    });
  }
  env.requireRole(p, 'sponsor', backer);
}

const proposeExchange = op(
  (v) => {
    const a = Args.of(v, ['id', 'from', 'to', 'rateFrom', 'rateTo', 'backer']);
    return {
      id: a.id('id'),
      from: a.id('from'),
      to: a.id('to'),
      rateFrom: a.amount('rateFrom'),
      rateTo: a.amount('rateTo'),
      backer: a.has('backer') ? a.addr('backer') : '',
    };
  },
  (env, a) => {
    const pa = env.active(a.from);
    env.requireRole(pa, 'issuer');
    const pb = env.active(a.to);
    if (pa.id === pb.id) throw new GongzhiError('POINTS_BAD_CONFIG', 'an exchange needs two programs');
    if ((pa.value === 0) !== (pb.value === 0) || (pa.value > 0 && bookIdOf(pa) !== bookIdOf(pb))) {
      throw new GongzhiError(
        'POINTS_BAD_CONFIG',
        'programs with money exchange only within one book (same clearing provider and currency)',
        { from: pa.id, to: pb.id },
      );
    }
    if (env.has(keys.agreement(a.id))) {
      throw new GongzhiError('POINTS_EXISTS', `agreement ${a.id} exists`, { agreement: a.id });
    }
    checkBacker(env, pa, a.backer);
    env.set(
      keys.agreement(a.id),
      agreementValue({
        id: a.id,
        a: pa.id,
        b: pb.id,
        rateA: a.rateFrom,
        rateB: a.rateTo,
        backerA: a.backer,
        backerB: '',
        status: 'proposed',
        proposedAt: env.height,
        acceptedAt: 0,
      }),
    );
    env.emit('exchangeProposed', { agreement: a.id, a: pa.id, b: pb.id, rateA: a.rateFrom, rateB: a.rateTo });
  },
);

/** The other issuer accepts: the agreement is recorded by both. */
const acceptExchange = op(
  (v) => {
    const a = Args.of(v, ['id', 'backer']);
    return { id: a.id('id'), backer: a.has('backer') ? a.addr('backer') : '' };
  },
  (env, a) => {
    const x = readAgreement(env, a.id);
    const pb = env.active(x.b);
    env.requireRole(pb, 'issuer');
    if (x.status !== 'proposed') {
      throw new GongzhiError('POINTS_INVALID_STATE', `agreement is ${x.status}`, { agreement: x.id });
    }
    checkBacker(env, pb, a.backer);
    env.set(
      keys.agreement(x.id),
      agreementValue({ ...x, backerB: a.backer, status: 'active', acceptedAt: env.height }),
    );
    env.emit('exchangeAccepted', { agreement: x.id, a: x.a, b: x.b });
  },
);

/** Either issuer ends the agreement. */
const endExchange = op(
  (v) => ({ id: Args.of(v, ['id']).id('id') }),
  (env, a) => {
    const x = readAgreement(env, a.id);
    const pa = env.program(x.a);
    const pb = env.program(x.b);
    if (pa.issuer !== env.sender && pb.issuer !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the two issuers end an agreement', {
        agreement: x.id,
      });
    }
    if (x.status === 'ended') throw new GongzhiError('POINTS_INVALID_STATE', 'agreement has ended');
    env.set(keys.agreement(x.id), agreementValue({ ...x, status: 'ended' }));
    env.emit('exchangeEnded', { agreement: x.id, by: env.sender });
  },
);

/**
 * A member of both programs converts points at the agreed rate. In the source program her lots go
 * to `exchange:<target>`; in the target, `exchange:<source>` issues fresh lots backed by the
 * agreement's backer. Both sides post; the amounts must convert exactly.
 */
const convert = op(
  (v) => {
    const a = Args.of(v, ['agreement', 'from', 'amount']);
    return { agreement: a.id('agreement'), from: a.id('from'), amount: a.amount('amount') };
  },
  (env, a) => {
    const x = readAgreement(env, a.agreement);
    if (x.status !== 'active') {
      throw new GongzhiError('POINTS_INVALID_STATE', `agreement is ${x.status}`, { agreement: x.id });
    }
    if (a.from !== x.a && a.from !== x.b) {
      throw new GongzhiError('POINTS_NOT_FOUND', 'the agreement does not cover this program', {
        agreement: x.id,
        program: a.from,
      });
    }
    const forward = a.from === x.a;
    const src = env.active(a.from);
    const dst = env.active(forward ? x.b : x.a);
    const [rs, rd] = forward ? [x.rateA, x.rateB] : [x.rateB, x.rateA];
    const backer = forward ? x.backerB : x.backerA;
    const scaled = BigInt(a.amount) * BigInt(rd);
    if (scaled % BigInt(rs) !== 0n) {
      throw new GongzhiError('POINTS_BAD_AMOUNT', `the amount must be a multiple that converts exactly`, {
        rateFrom: rs,
        rateTo: rd,
      });
    }
    const out = Number(scaled / BigInt(rs));
    if (out < 1 || !Number.isSafeInteger(out)) throw new GongzhiError('POINTS_BAD_AMOUNT', 'bad amount');
    env.requireMember(src, env.sender);
    env.requireMember(dst, env.sender);
    moneyOf(dst, out);
    const sb = env.booksOf(src);
    sb.prepareSpend(env.sender, a.amount, false);
    sb.begin('exchange-out', x.id);
    const pieces = sb.take(env.sender, a.amount);
    sb.postPlain(`exchange:${dst.id}`, a.amount);
    const money = sb.releaseBacking(pieces, (s) => `payable:${s}:${backer}`);
    sb.end();
    sb.agg('exchangedOut', a.amount);
    sb.agg('exchangeMoney', money);
    const db = env.booksOf(dst);
    db.begin('exchange-in', x.id);
    db.postPlain(`exchange:${src.id}`, -out);
    db.reserve(backer, out);
    db.give(env.sender, [db.freshLot(out, backer)]);
    db.end();
    db.agg('exchangedIn', out);
    env.emit('converted', {
      agreement: x.id,
      user: env.sender,
      from: src.id,
      to: dst.id,
      amount: a.amount,
      received: out,
      money,
    });
  },
);

export const exchangeMethods = { proposeExchange, acceptExchange, endExchange, convert };
