import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { moneyOf } from './accounting.js';
import { type Agreement, agreementCodec } from './agreement.js';
import { readAmount, readId, readOptAddr, schemas } from './args.js';
import type { Env } from './env.js';
import { bookIdOf, keys } from './keys.js';
import { pointsMethod } from './method.js';
import type { Program } from './types.js';

function readAgreement(env: Env, id: string): Agreement {
  const x = env.read(keys.agreement(id), agreementCodec);
  if (x === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no agreement ${id}`, { agreement: id });
  return x;
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

const backerSchema = S.Optional(
  schemas.addr('the sponsor of the caller’s program that backs arriving points (with money)'),
);

interface ProposeArgs {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly rateFrom: number;
  readonly rateTo: number;
  readonly backer: string;
}

const proposeExchange = pointsMethod<ProposeArgs>({
  summary: 'Propose an exchange agreement from the caller’s program to another (its issuer)',
  args: S.Object(
    {
      id: schemas.id('agreement id'),
      from: schemas.id('the caller’s program'),
      to: schemas.id('the other program'),
      rateFrom: schemas.amount('minor units of `from`…'),
      rateTo: schemas.amount('…worth this many minor units of `to`'),
      backer: backerSchema,
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['id', 'from', 'to', 'rateFrom', 'rateTo', 'backer']);
    return {
      id: readId(a, 'id'),
      from: readId(a, 'from'),
      to: readId(a, 'to'),
      rateFrom: readAmount(a, 'rateFrom'),
      rateTo: readAmount(a, 'rateTo'),
      backer: readOptAddr(a, 'backer'),
    };
  },
  run: (env, a) => {
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
    env.write(keys.agreement(a.id), agreementCodec, {
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
    });
    env.emit('exchangeProposed', { agreement: a.id, a: pa.id, b: pb.id, rateA: a.rateFrom, rateB: a.rateTo });
  },
});

/** The other issuer accepts: the agreement is recorded by both. */
const acceptExchange = pointsMethod<{ id: string; backer: string }>({
  summary: 'Accept a proposed exchange agreement (the other program’s issuer)',
  args: S.Object({ id: schemas.id('agreement id'), backer: backerSchema }, { additionalProperties: false }),
  parse: (v) => {
    const a = readArgs(v, ['id', 'backer']);
    return { id: readId(a, 'id'), backer: readOptAddr(a, 'backer') };
  },
  run: (env, a) => {
    const x = readAgreement(env, a.id);
    const pb = env.active(x.b);
    env.requireRole(pb, 'issuer');
    if (x.status !== 'proposed') {
      throw new GongzhiError('POINTS_INVALID_STATE', `agreement is ${x.status}`, { agreement: x.id });
    }
    checkBacker(env, pb, a.backer);
    env.write(keys.agreement(x.id), agreementCodec, {
      ...x,
      backerB: a.backer,
      status: 'active',
      acceptedAt: env.height,
    });
    env.emit('exchangeAccepted', { agreement: x.id, a: x.a, b: x.b });
  },
});

/** Either issuer ends the agreement. */
const endExchange = pointsMethod<{ id: string }>({
  summary: 'End an exchange agreement (either issuer)',
  args: S.Object({ id: schemas.id('agreement id') }, { additionalProperties: false }),
  parse: (v) => ({ id: readId(readArgs(v, ['id']), 'id') }),
  run: (env, a) => {
    const x = readAgreement(env, a.id);
    const pa = env.program(x.a);
    const pb = env.program(x.b);
    if (pa.issuer !== env.sender && pb.issuer !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the two issuers end an agreement', {
        agreement: x.id,
      });
    }
    if (x.status === 'ended') throw new GongzhiError('POINTS_INVALID_STATE', 'agreement has ended');
    env.write(keys.agreement(x.id), agreementCodec, { ...x, status: 'ended' });
    env.emit('exchangeEnded', { agreement: x.id, by: env.sender });
  },
});

/**
 * A member of both programs converts points at the agreed rate. In the source program her lots go
 * to `exchange:<target>`; in the target, `exchange:<source>` issues fresh lots backed by the
 * agreement's backer. Both sides post; the amounts must convert exactly.
 */
const convert = pointsMethod<{ agreement: string; from: string; amount: number }>({
  summary: 'Convert points between the two programs of an active agreement at its rate (a member of both)',
  args: S.Object(
    {
      agreement: schemas.id('agreement id'),
      from: schemas.id('the program the points leave'),
      amount: schemas.amount('points of `from`; must convert exactly'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['agreement', 'from', 'amount']);
    return { agreement: readId(a, 'agreement'), from: readId(a, 'from'), amount: readAmount(a, 'amount') };
  },
  run: (env, a) => {
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
    sb.lots.prepareSpend(env.sender, a.amount, false);
    sb.journal.begin('exchange-out', x.id);
    const pieces = sb.lots.take(env.sender, a.amount);
    sb.accounts.post(`exchange:${dst.id}`, a.amount);
    const money = sb.accounts.releaseBacking(pieces, (s) => `payable:${s}:${backer}`);
    sb.journal.end();
    sb.aggregates.add('exchangedOut', a.amount);
    sb.aggregates.add('exchangeMoney', money);
    const db = env.booksOf(dst);
    db.journal.begin('exchange-in', x.id);
    db.accounts.post(`exchange:${src.id}`, -out);
    db.accounts.reserve(backer, out);
    db.lots.give(env.sender, [db.lots.fresh(out, backer)]);
    db.journal.end();
    db.aggregates.add('exchangedIn', out);
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
});

export const exchangeMethods = { proposeExchange, acceptExchange, endExchange, convert };
