import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { readAddr, readAmount, readId, readOptAddr, schemas } from './args.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { memberEntryCodec, relationCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { spendAllowance } from './ops-funding.js';
import { assertCompatible } from './roles.js';
import type { Program } from './types.js';

/** A user joins voluntarily, recording the digest of the consent (data-use authorisation) she gave. */
const join = pointsMethod<{ program: string; consent: Uint8Array }>({
  summary: 'Join a program, recording the digest of the consent given (a member rejoining keeps her lots)',
  args: S.Object(
    { program: schemas.id('program id'), consent: schemas.digest('digest of the consent document') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'consent']);
    return { program: readId(a, 'program'), consent: a.digest('consent') };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    const books = env.booksOf(p);
    const h = books.lots.holder(env.sender);
    if (h?.member) {
      throw new GongzhiError('POINTS_EXISTS', 'already a member', { program: p.id, account: env.sender });
    }
    assertCompatible(env, p, env.sender, 'member');
    if (h === undefined) {
      env.write(keys.member(p.id, books.totals.get('members')), memberEntryCodec, env.sender);
      books.totals.bump('members', 1);
    }
    books.lots.putHolder(env.sender, {
      joined: env.height,
      consent: a.consent,
      member: true,
      lots: h?.lots ?? [],
      debt: h?.debt ?? 0,
      capBucket: h?.capBucket ?? 0,
      capUsed: h?.capUsed ?? 0,
      awarded: h?.awarded ?? 0,
      held: h?.held ?? 0,
      owed: h?.owed ?? 0,
      area: h?.area ?? '',
    });
    env.emit('joined', { program: p.id, account: env.sender, consent: a.consent });
  },
});

const programOnly = S.Object({ program: schemas.id('program id') }, { additionalProperties: false });

/**
 * A member leaves, withdrawing her consent to data use: no award or transfer reaches her from then
 * on. She keeps the points she holds and may still spend, donate or convert them (PIPL: withdrawing
 * consent is not conditional on emptying a balance); only a debt (mutual credit) must be repaid first.
 */
const leave = pointsMethod<{ program: string }>({
  summary: 'Leave a program (withdraw consent); points held stay spendable, a debt must be repaid first',
  args: programOnly,
  parse: (v) => ({ program: readId(readArgs(v, ['program']), 'program') }),
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    const books = env.booksOf(p);
    const pos = books.lots.position(env.sender);
    if (pos.debt > 0) {
      throw new GongzhiError('POINTS_BALANCE_NOT_ZERO', 'repay the debt before leaving', {
        program: p.id,
        debt: pos.debt,
      });
    }
    books.lots.sweep(env.sender);
    const h = books.lots.holder(env.sender);
    if (h) books.lots.putHolder(env.sender, { ...h, member: false });
    env.emit('left', { program: p.id, account: env.sender, kept: pos.available });
  },
});

interface RelateArgs {
  readonly program: string;
  readonly with: string;
}

function parseRelate(v: CborMap): RelateArgs {
  const a = readArgs(v, ['program', 'with']);
  return { program: readId(a, 'program'), with: readAddr(a, 'with') };
}

const relateArgs = S.Object(
  { program: schemas.id('program id'), with: schemas.addr('the other account') },
  { additionalProperties: false },
);

/** A member lists another account as a relationship (transfers under the "relationships" policy need both ways). */
const relate = pointsMethod<RelateArgs>({
  summary: 'List another account as a relationship (transfers may need it listed both ways)',
  args: relateArgs,
  parse: parseRelate,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    if (a.with === env.sender) throw new GongzhiError('POINTS_BAD_AMOUNT', 'cannot relate to oneself');
    const k = keys.relation(p.id, env.sender, a.with);
    if (env.has(k)) throw new GongzhiError('POINTS_EXISTS', 'relationship already listed');
    env.write(k, relationCodec, env.height);
    env.emit('related', { program: p.id, from: env.sender, to: a.with });
  },
});

const unrelate = pointsMethod<RelateArgs>({
  summary: 'Remove a listed relationship',
  args: relateArgs,
  parse: parseRelate,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    const k = keys.relation(p.id, env.sender, a.with);
    if (!env.has(k)) throw new GongzhiError('POINTS_NOT_FOUND', 'no such relationship');
    env.delete(k);
    env.emit('unrelated', { program: p.id, from: env.sender, to: a.with });
  },
});

interface QuotaArgs {
  readonly program: string;
  readonly distributor: string;
  readonly amount: number;
  readonly sponsor: string;
}

function parseQuota(v: CborMap): QuotaArgs {
  const a = readArgs(v, ['program', 'distributor', 'amount', 'sponsor']);
  return {
    program: readId(a, 'program'),
    distributor: readAddr(a, 'distributor'),
    amount: readAmount(a, 'amount'),
    sponsor: readOptAddr(a, 'sponsor'),
  };
}

const quotaSchema = S.Object(
  {
    program: schemas.id('program id'),
    distributor: schemas.addr(),
    amount: schemas.amount('points (minor units)'),
    sponsor: S.Optional(schemas.addr('the sponsor whose pool backs the quota (programs with money)')),
  },
  { additionalProperties: false },
);

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
const allotQuota = pointsMethod<QuotaArgs>({
  summary: 'Issue points into a distributor’s quota, reserving their backing from a sponsor’s pool (issuer)',
  args: quotaSchema,
  parse: parseQuota,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'issuer');
    env.requireRole(p, 'distributor', a.distributor);
    env.requireNotFrozen(p, a.distributor);
    checkQuotaSponsor(env, p, a.sponsor);
    if (a.sponsor !== '') spendAllowance(env, p, a.sponsor, a.distributor, a.amount);
    const books = env.booksOf(p);
    books.journal.begin('allot', a.distributor);
    books.accounts.post('issuance', -a.amount);
    books.quotas.change(a.distributor, a.sponsor, a.amount);
    books.accounts.reserve(a.sponsor, a.amount);
    books.journal.end();
    books.aggregates.add('allotted', a.amount);
    env.emit('quotaAllotted', {
      program: p.id,
      distributor: a.distributor,
      sponsor: a.sponsor,
      amount: a.amount,
      quota: books.quotas.total(a.distributor),
    });
  },
});

/** The issuer takes unawarded quota back (the reserve returns to the sponsor's pool). */
const revokeQuota = pointsMethod<QuotaArgs>({
  summary: 'Take unawarded quota back; its backing returns to the sponsor’s pool (issuer)',
  args: quotaSchema,
  parse: parseQuota,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'issuer');
    checkQuotaSponsor(env, p, a.sponsor);
    const books = env.booksOf(p);
    const have = books.quotas.of(a.distributor)[a.sponsor] ?? 0;
    if (have < a.amount) {
      throw new GongzhiError('POINTS_OVER_QUOTA', 'not that much unawarded quota', {
        program: p.id,
        quota: have,
        amount: a.amount,
      });
    }
    books.journal.begin('revoke', a.distributor);
    books.quotas.change(a.distributor, a.sponsor, -a.amount);
    books.accounts.post('issuance', a.amount);
    books.accounts.releaseBacking([books.lots.fresh(a.amount, a.sponsor)], (s) => `pool:${s}`);
    books.journal.end();
    books.aggregates.add('allotted', -a.amount);
    env.emit('quotaRevoked', {
      program: p.id,
      distributor: a.distributor,
      sponsor: a.sponsor,
      amount: a.amount,
    });
  },
});

export const memberMethods = { join, leave, relate, unrelate, allotQuota, revokeQuota };
