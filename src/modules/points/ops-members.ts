import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { Env } from './env.js';
import { Args, op } from './op.js';
import { keys } from './state.js';
import type { Program } from './types.js';

/** A user joins voluntarily, recording the digest of the consent (data-use authorisation) she gave. */
const join = op(
  (v) => {
    const a = Args.of(v, ['program', 'consent']);
    return { program: a.id('program'), consent: a.digest('consent') };
  },
  (env, a) => {
    const p = env.active(a.program);
    const books = env.booksOf(p);
    const h = books.holder(env.sender);
    if (h?.member) {
      throw new GongzhiError('POINTS_EXISTS', 'already a member', { program: p.id, account: env.sender });
    }
    if (h === undefined) {
      env.set(keys.member(p.id, books.total('members')), env.sender);
      books.bumpTotal('members', 1);
    }
    books.putHolder(env.sender, {
      joined: env.height,
      consent: a.consent,
      member: true,
      lots: h?.lots ?? [],
      debt: h?.debt ?? 0,
      capBucket: h?.capBucket ?? 0,
      capUsed: h?.capUsed ?? 0,
      awarded: h?.awarded ?? 0,
    });
    env.emit('joined', { program: p.id, account: env.sender, consent: a.consent });
  },
);

/** A member leaves (withdrawing consent); she must first spend or donate her points and settle any debt. */
const leave = op(
  (v) => ({ program: Args.of(v, ['program']).id('program') }),
  (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    const books = env.booksOf(p);
    const pos = books.position(env.sender);
    if (pos.available > 0 || pos.debt > 0) {
      throw new GongzhiError('POINTS_BALANCE_NOT_ZERO', 'spend, donate or repay before leaving', {
        program: p.id,
        available: pos.available,
        debt: pos.debt,
      });
    }
    books.sweep(env.sender);
    const h = books.holder(env.sender);
    if (h) books.putHolder(env.sender, { ...h, member: false });
    env.emit('left', { program: p.id, account: env.sender });
  },
);

interface RelateArgs {
  readonly program: string;
  readonly with: string;
}

function parseRelate(v: CborMap): RelateArgs {
  const a = Args.of(v, ['program', 'with']);
  return { program: a.id('program'), with: a.addr('with') };
}

/** A member lists another account as a relationship (transfers under the "relationships" policy need both ways). */
const relate = op(parseRelate, (env, a) => {
  const p = env.active(a.program);
  env.requireMember(p, env.sender);
  if (a.with === env.sender) throw new GongzhiError('POINTS_BAD_AMOUNT', 'cannot relate to oneself');
  const k = keys.relation(p.id, env.sender, a.with);
  if (env.has(k)) throw new GongzhiError('POINTS_EXISTS', 'relationship already listed');
  env.set(k, env.height);
  env.emit('related', { program: p.id, from: env.sender, to: a.with });
});

const unrelate = op(parseRelate, (env, a) => {
  const p = env.active(a.program);
  env.requireMember(p, env.sender);
  const k = keys.relation(p.id, env.sender, a.with);
  if (!env.has(k)) throw new GongzhiError('POINTS_NOT_FOUND', 'no such relationship');
  env.del(k);
  env.emit('unrelated', { program: p.id, from: env.sender, to: a.with });
});

function requireMoney(p: Program): void {
  if (p.value === 0) {
    throw new GongzhiError('POINTS_INVALID_STATE', 'this program has no settlement currency', {
      program: p.id,
    });
  }
}

function amountArgs(v: CborMap): { program: string; amount: number } {
  const a = Args.of(v, ['program', 'amount']);
  return { program: a.id('program'), amount: a.amount('amount') };
}

/** A sponsor funds its pool in the program's settlement currency (minor units). */
const fund = op(amountArgs, (env, a) => {
  const p = env.active(a.program);
  env.requireRole(p, 'sponsor');
  requireMoney(p);
  const books = env.booksOf(p);
  books.begin('fund', env.sender);
  books.postPlain(`funding:${env.sender}`, -a.amount);
  books.postPlain(`pool:${env.sender}`, a.amount);
  books.end();
  books.agg('funded', a.amount);
  env.emit('funded', { program: p.id, sponsor: env.sender, amount: a.amount });
});

/** A sponsor withdraws unreserved funds. */
const withdraw = op(amountArgs, (env, a) => {
  const p = env.active(a.program);
  env.requireRole(p, 'sponsor');
  requireMoney(p);
  const books = env.booksOf(p);
  const pool = books.balance(`pool:${env.sender}`);
  if (pool < a.amount) {
    throw new GongzhiError('POINTS_INSUFFICIENT_FUNDS', 'not that much unreserved in the pool', {
      program: p.id,
      pool,
      amount: a.amount,
    });
  }
  books.begin('withdraw', env.sender);
  books.postPlain(`pool:${env.sender}`, -a.amount);
  books.postPlain(`funding:${env.sender}`, a.amount);
  books.end();
  books.agg('withdrawn', a.amount);
  env.emit('withdrawn', { program: p.id, sponsor: env.sender, amount: a.amount });
});

interface QuotaArgs {
  readonly program: string;
  readonly distributor: string;
  readonly amount: number;
  readonly sponsor: string;
}

function parseQuota(v: CborMap): QuotaArgs {
  const a = Args.of(v, ['program', 'distributor', 'amount', 'sponsor']);
  return {
    program: a.id('program'),
    distributor: a.addr('distributor'),
    amount: a.amount('amount'),
    sponsor: a.has('sponsor') ? a.addr('sponsor') : '',
  };
}

/** With money, quota must name the sponsor whose pool backs it; without money, it must not. */
function checkQuotaSponsor(env: Env, p: Program, sponsor: string): void {
  if (p.value === 0) {
    if (sponsor !== '') {
      throw new GongzhiError('POINTS_BAD_CONFIG', 'this program has no money; quota has no sponsor', {
        program: p.id,
      });
    }
    return;
  }
  if (sponsor === '') {
    throw new GongzhiError('EXEC_BAD_ARGS', 'args.sponsor is required in a program with money', {
      field: 'sponsor',
    });
  }
  env.requireRole(p, 'sponsor', sponsor);
  env.requireNotFrozen(p, sponsor);
}

/**
 * The issuer allots quota to a distributor: points are issued into the distributor's quota
 * account, and (with money) their value moves from the sponsor's pool to its reserve.
 */
const allotQuota = op(parseQuota, (env, a) => {
  const p = env.active(a.program);
  env.requireRole(p, 'issuer');
  env.requireRole(p, 'distributor', a.distributor);
  env.requireNotFrozen(p, a.distributor);
  checkQuotaSponsor(env, p, a.sponsor);
  const books = env.booksOf(p);
  books.begin('allot', a.distributor);
  books.postPlain('issuance', -a.amount);
  books.changeQuota(a.distributor, a.sponsor, a.amount);
  books.reserve(a.sponsor, a.amount);
  books.end();
  books.agg('allotted', a.amount);
  env.emit('quotaAllotted', {
    program: p.id,
    distributor: a.distributor,
    sponsor: a.sponsor,
    amount: a.amount,
    quota: books.quotaTotal(a.distributor),
  });
});

/** The issuer takes unawarded quota back (the reserve returns to the sponsor's pool). */
const revokeQuota = op(parseQuota, (env, a) => {
  const p = env.active(a.program);
  env.requireRole(p, 'issuer');
  checkQuotaSponsor(env, p, a.sponsor);
  const books = env.booksOf(p);
  const have = books.quota(a.distributor)[a.sponsor] ?? 0;
  if (have < a.amount) {
    throw new GongzhiError('POINTS_OVER_QUOTA', 'not that much unawarded quota', {
      program: p.id,
      quota: have,
      amount: a.amount,
    });
  }
  books.begin('revoke', a.distributor);
  books.changeQuota(a.distributor, a.sponsor, -a.amount);
  books.postPlain('issuance', a.amount);
  books.releaseBacking([books.freshLot(a.amount, a.sponsor)], (s) => `pool:${s}`);
  books.end();
  books.agg('allotted', -a.amount);
  env.emit('quotaRevoked', {
    program: p.id,
    distributor: a.distributor,
    sponsor: a.sponsor,
    amount: a.amount,
  });
});

export const memberMethods = { join, leave, relate, unrelate, fund, withdraw, allotQuota, revokeQuota };
