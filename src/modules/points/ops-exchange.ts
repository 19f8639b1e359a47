import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { moneyOf } from './accounting.js';
import { type Agreement, agreementCodec } from './agreement.js';
import { readAmount, readId, readOptAddr, schemas } from './args.js';
import type { Env } from './env.js';
import { bookIdOf, keys } from './keys.js';
import { backingCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { recordFlow } from './ops-interbank.js';
import { recordSpend } from './spend-trail.js';
import { MAX_AMOUNT, type Program } from './types.js';

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

/**
 * An exchange must not mint value: with money, `rateFrom` points of `from` are worth exactly
 * `rateTo` points of `to` in fen (rateFrom × value_from = rateTo × value_to), so the backer of
 * the arriving points reserves exactly what the source sponsors then owe it. Without money there
 * is no common measure, so the rate is 1:1 — a time bank's hour is an hour in any bank.
 */
function assertValueNeutral(pa: Program, pb: Program, rateFrom: number, rateTo: number): void {
  const neutral =
    pa.value === 0
      ? rateFrom === rateTo
      : BigInt(rateFrom) * BigInt(pa.value) === BigInt(rateTo) * BigInt(pb.value);
  if (!neutral) {
    throw new GongzhiError(
      'POINTS_BAD_CONFIG',
      pa.value === 0
        ? 'programs without money exchange 1:1 (one hour is one hour)'
        : 'the rate is not value-neutral: rateFrom × value(from) must equal rateTo × value(to)',
      { from: pa.id, to: pb.id, rateFrom, rateTo, valueFrom: pa.value, valueTo: pb.value },
    );
  }
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
  readonly positionLimit: number;
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
      positionLimit: S.Optional(
        S.Integer({
          minimum: 0,
          maximum: 1e15,
          description: 'most points of `from` out on net either way (required without money)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['id', 'from', 'to', 'rateFrom', 'rateTo', 'backer', 'positionLimit']);
    return {
      id: readId(a, 'id'),
      from: readId(a, 'from'),
      to: readId(a, 'to'),
      rateFrom: readAmount(a, 'rateFrom'),
      rateTo: readAmount(a, 'rateTo'),
      backer: readOptAddr(a, 'backer'),
      positionLimit: a.optUint('positionLimit', 0, MAX_AMOUNT),
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
    assertValueNeutral(pa, pb, a.rateFrom, a.rateTo);
    if (pa.value === 0 && a.positionLimit === 0) {
      throw new GongzhiError(
        'POINTS_BAD_CONFIG',
        'programs without money need a positionLimit between them',
        {
          from: pa.id,
          to: pb.id,
        },
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
      positionLimit: a.positionLimit,
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

/**
 * The backer named for one side signs that its pool backs the points arriving there: without its
 * signature (and while it is no longer a sponsor, or frozen) no conversion into that side runs.
 */
const backExchange = pointsMethod<{ agreement: string; program: string }>({
  summary: 'Sign as the backer of the points arriving in one program of an agreement (that backer)',
  args: S.Object(
    { agreement: schemas.id('agreement id'), program: schemas.id('the side the caller backs') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['agreement', 'program']);
    return { agreement: readId(a, 'agreement'), program: readId(a, 'program') };
  },
  run: (env, a) => {
    const x = readAgreement(env, a.agreement);
    const backer = a.program === x.a ? x.backerA : a.program === x.b ? x.backerB : undefined;
    if (backer === undefined) {
      throw new GongzhiError('POINTS_NOT_FOUND', 'the agreement does not cover this program', {
        agreement: x.id,
        program: a.program,
      });
    }
    const p = env.active(a.program);
    if (backer !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the named backer signs for this side', {
        agreement: x.id,
        program: p.id,
      });
    }
    env.requireRole(p, 'sponsor');
    const key = keys.backing(x.id, p.id);
    if (env.has(key)) throw new GongzhiError('POINTS_ALREADY_SIGNED', 'already signed as backer');
    env.write(key, backingCodec, env.height);
    env.emit('exchangeBacked', { agreement: x.id, program: p.id, backer: env.sender });
  },
});

/** The backer of arriving points signed, is still a sponsor there, and is not frozen. */
function requireBacking(env: Env, x: Agreement, dst: Program, backer: string): void {
  if (dst.value === 0) return;
  if (!env.has(keys.backing(x.id, dst.id))) {
    throw new GongzhiError('POINTS_NO_CONSENT', 'the backer has not signed this agreement (backExchange)', {
      agreement: x.id,
      program: dst.id,
      backer,
    });
  }
  env.requireRole(dst, 'sponsor', backer);
  env.requireNotFrozen(dst, backer);
}

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
    env.requireHolder(src, env.sender);
    env.requireMember(dst, env.sender);
    requireBacking(env, x, dst, backer);
    moneyOf(dst, out);
    const sb = env.booksOf(src);
    sb.lots.prepareSpend(env.sender, a.amount, false);
    sb.journal.begin('exchange-out', x.id);
    const pieces = sb.lots.take(env.sender, a.amount);
    sb.accounts.post(`exchange:${dst.id}`, a.amount);
    const to = (s: string) => `payable:${s}:${backer}`;
    const money = sb.accounts.releaseBacking(pieces, to);
    sb.journal.end();
    // a dispute of an award whose points left this way holds their payable to the backer too
    recordSpend(env, sb, env.sender, 'convert', pieces, to);
    sb.aggregates.add('exchangedOut', a.amount);
    sb.aggregates.add('exchangeMoney', money);
    const db = env.booksOf(dst);
    db.journal.begin('exchange-in', x.id);
    db.accounts.post(`exchange:${src.id}`, -out);
    db.accounts.reserve(backer, out);
    db.lots.give(env.sender, [db.lots.fresh(out, backer)]);
    db.journal.end();
    db.aggregates.add('exchangedIn', out);
    // the net position, in A's minor units: A points that went to B minus those B sent back
    const position = (forward ? sb : db).accounts.balance(`exchange:${x.b}`);
    if (x.positionLimit > 0 && Math.abs(position) > x.positionLimit) {
      throw new GongzhiError('POINTS_LIMIT', 'the conversion exceeds the agreement’s position limit', {
        agreement: x.id,
        position,
        positionLimit: x.positionLimit,
      });
    }
    recordFlow(env, x.id, forward, forward ? a.amount : out);
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

export const exchangeMethods = { proposeExchange, acceptExchange, backExchange, endExchange, convert };
