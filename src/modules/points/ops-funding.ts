import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { readAddr, readAmount, readId, schemas } from './args.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { allowanceCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { numMapCodec } from './num-map.js';
import type { Program } from './types.js';

/**
 * Consent of those who pay. A sponsor's money enters and leaves the books only when the clearing
 * provider (the bank that holds it) confirms what the sponsor asked for: `fund` / `withdraw` are
 * the sponsor's signed requests, `confirmFunding` / `confirmWithdrawal` the bank's signed
 * confirmations. Quota is allotted against a sponsor's pool only within what the sponsor signed
 * for that distributor (`consentQuota`).
 */

function requireMoney(p: Program): void {
  if (p.value === 0) {
    throw new GongzhiError('POINTS_INVALID_STATE', 'this program has no settlement currency', {
      program: p.id,
    });
  }
}

type Requests = { readonly fund?: number; readonly withdraw?: number };

function requests(env: Env, p: Program, sponsor: string): Requests {
  return env.read(keys.fundRequest(p.id, sponsor), numMapCodec) ?? {};
}

function putRequests(env: Env, p: Program, sponsor: string, r: Requests): void {
  const key = keys.fundRequest(p.id, sponsor);
  if ((r.fund ?? 0) === 0 && (r.withdraw ?? 0) === 0) env.delete(key);
  else env.write(key, numMapCodec, r);
}

const amountSchema = S.Object(
  { program: schemas.id('program id'), amount: schemas.amount('currency minor units') },
  { additionalProperties: false },
);

function amountArgs(v: CborMap): { program: string; amount: number } {
  const a = readArgs(v, ['program', 'amount']);
  return { program: readId(a, 'program'), amount: readAmount(a, 'amount') };
}

/** A sponsor asks to fund its pool; the money counts once the clearing provider confirms it arrived. */
const fund = pointsMethod<{ program: string; amount: number }>({
  summary: 'Ask to fund the sponsor’s pool; the clearing provider confirms the money arrived (a sponsor)',
  args: amountSchema,
  parse: amountArgs,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'sponsor');
    requireMoney(p);
    const r = requests(env, p, env.sender);
    putRequests(env, p, env.sender, { ...r, fund: (r.fund ?? 0) + a.amount });
    env.emit('fundingRequested', { program: p.id, sponsor: env.sender, amount: a.amount });
  },
});

/**
 * A sponsor — or a former one: revoking the role never confiscates money — asks to withdraw
 * unreserved funds; the clearing provider confirms the payout.
 */
const withdraw = pointsMethod<{ program: string; amount: number }>({
  summary:
    'Ask to withdraw unreserved funds from one’s pool (a sponsor or former sponsor); clearing confirms',
  args: amountSchema,
  parse: amountArgs,
  run: (env, a) => {
    const p = env.active(a.program);
    requireMoney(p);
    const r = requests(env, p, env.sender);
    const pool = env.booksOf(p).accounts.balance(`pool:${env.sender}`);
    const asked = (r.withdraw ?? 0) + a.amount;
    if (pool < asked) {
      throw new GongzhiError('POINTS_INSUFFICIENT_FUNDS', 'not that much unreserved in the pool', {
        program: p.id,
        pool,
        amount: asked,
      });
    }
    putRequests(env, p, env.sender, { ...r, withdraw: asked });
    env.emit('withdrawalRequested', { program: p.id, sponsor: env.sender, amount: a.amount });
  },
});

interface ConfirmArgs {
  readonly program: string;
  readonly sponsor: string;
  readonly amount: number;
}

const confirmSchema = S.Object(
  {
    program: schemas.id('program id'),
    sponsor: schemas.addr('the sponsor who asked'),
    amount: schemas.amount('currency minor units, at most what was asked'),
  },
  { additionalProperties: false },
);

function parseConfirm(v: CborMap): ConfirmArgs {
  const a = readArgs(v, ['program', 'sponsor', 'amount']);
  return { program: readId(a, 'program'), sponsor: readAddr(a, 'sponsor'), amount: readAmount(a, 'amount') };
}

/** The asked amount, or POINTS_NO_CONSENT when the sponsor asked for less. */
function asked(p: Program, r: Requests, what: 'fund' | 'withdraw', a: ConfirmArgs): number {
  const n = r[what] ?? 0;
  if (n < a.amount) {
    throw new GongzhiError('POINTS_NO_CONSENT', `the sponsor asked to ${what} only ${n}`, {
      program: p.id,
      sponsor: a.sponsor,
      asked: n,
      amount: a.amount,
    });
  }
  return n;
}

const confirmFunding = pointsMethod<ConfirmArgs>({
  summary: 'Confirm that a sponsor’s funding arrived: it enters the sponsor’s pool (the clearing provider)',
  args: confirmSchema,
  parse: parseConfirm,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'clearing');
    const r = requests(env, p, a.sponsor);
    const n = asked(p, r, 'fund', a);
    putRequests(env, p, a.sponsor, { ...r, fund: n - a.amount });
    const books = env.booksOf(p);
    books.journal.begin('fund', a.sponsor);
    books.accounts.post(`funding:${a.sponsor}`, -a.amount);
    books.accounts.post(`pool:${a.sponsor}`, a.amount);
    books.journal.end();
    books.aggregates.add('funded', a.amount);
    env.emit('funded', { program: p.id, sponsor: a.sponsor, amount: a.amount, by: env.sender });
  },
});

const confirmWithdrawal = pointsMethod<ConfirmArgs>({
  summary: 'Confirm a sponsor’s withdrawal was paid out of its unreserved pool (the clearing provider)',
  args: confirmSchema,
  parse: parseConfirm,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'clearing');
    const r = requests(env, p, a.sponsor);
    const n = asked(p, r, 'withdraw', a);
    const books = env.booksOf(p);
    const pool = books.accounts.balance(`pool:${a.sponsor}`);
    if (pool < a.amount) {
      throw new GongzhiError('POINTS_INSUFFICIENT_FUNDS', 'the pool no longer holds that much unreserved', {
        program: p.id,
        pool,
        amount: a.amount,
      });
    }
    putRequests(env, p, a.sponsor, { ...r, withdraw: n - a.amount });
    books.journal.begin('withdraw', a.sponsor);
    books.accounts.post(`pool:${a.sponsor}`, -a.amount);
    books.accounts.post(`funding:${a.sponsor}`, a.amount);
    books.journal.end();
    books.aggregates.add('withdrawn', a.amount);
    env.emit('withdrawn', { program: p.id, sponsor: a.sponsor, amount: a.amount, by: env.sender });
  },
});

/** A sponsor signs that its pool may back up to `amount` more points of quota for a distributor. */
const consentQuota = pointsMethod<{ program: string; distributor: string; amount: number }>({
  summary: 'Consent that the issuer allots up to this much quota backed by the caller’s pool (a sponsor)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      distributor: schemas.addr('the distributor the quota is for'),
      amount: schemas.amount('points (minor units) added to the allowance'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'distributor', 'amount']);
    return {
      program: readId(a, 'program'),
      distributor: readAddr(a, 'distributor'),
      amount: readAmount(a, 'amount'),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'sponsor');
    requireMoney(p);
    const key = keys.allowance(p.id, env.sender, a.distributor);
    const have = env.read(key, allowanceCodec) ?? 0;
    const next = have + a.amount;
    if (!Number.isSafeInteger(next)) throw new GongzhiError('POINTS_BAD_AMOUNT', 'allowance too large');
    env.write(key, allowanceCodec, next);
    env.emit('quotaConsented', {
      program: p.id,
      sponsor: env.sender,
      distributor: a.distributor,
      allowance: next,
    });
  },
});

/** Use `amount` of the sponsor's signed allowance for the distributor (POINTS_NO_CONSENT when short). */
export function spendAllowance(
  env: Env,
  p: Program,
  sponsor: string,
  distributor: string,
  amount: number,
): void {
  const key = keys.allowance(p.id, sponsor, distributor);
  const have = env.read(key, allowanceCodec) ?? 0;
  if (have < amount) {
    throw new GongzhiError('POINTS_NO_CONSENT', 'the sponsor has not consented to back this much quota', {
      program: p.id,
      sponsor,
      distributor,
      allowance: have,
      amount,
    });
  }
  if (have === amount) env.delete(key);
  else env.write(key, allowanceCodec, have - amount);
}

export const fundingMethods = { fund, withdraw, confirmFunding, confirmWithdrawal, consentQuota };
