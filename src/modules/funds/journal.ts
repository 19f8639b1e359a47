import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type Codec,
  defineCodec,
  readStored,
  stateKey,
  stringListCodec,
  writeStored,
} from '../../execution/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { safeAdd } from './args.js';
import { type At, atValue, MODULE, readAt, readCount, writeCount } from './record.js';

/**
 * The fund's books: a small, strict double-entry journal of balanced posting sets. Every movement
 * of money is one entry whose debits equal its credits; account totals are kept per fund. The
 * cash at the custodian is the asset account `bank`; it can never go negative.
 *
 * Why not the points module's books: points are closed-loop lots with expiry, issued and recycled
 * by programmes; a fund's money sits at a bank and every movement must match the bank's own
 * statement line by line (custodian reference, period totals). The shapes differ (lots and expiry
 * vs. references and statements); see docs/funds.md for what could be shared later.
 */

export const BANK = 'bank';

/** Account names: `bank`, `income:<category>`, `expense:<category>`, `project:<id>`. */
export const ACCOUNT_PATTERN = /^(bank|(income|expense|project):[a-z0-9][a-z0-9-]{0,63})$/;

export type Side = 'dr' | 'cr';

export interface Posting {
  readonly account: string;
  readonly side: Side;
  readonly amount: number;
}

export const ENTRY_KINDS = ['income', 'payment', 'donation', 'disbursement'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One journal entry. `bankDr`/`bankCr` are the fund's running bank totals after it (for statements). */
export interface Entry {
  readonly seq: number;
  readonly kind: EntryKind;
  /** What it posts: `expense:3`, `income:7`, `donation:12`, `disbursement:4`. */
  readonly ref: string;
  /** The custodian's payment or credit reference. */
  readonly reference: string;
  readonly postings: readonly Posting[];
  readonly at: At;
  readonly bankDr: number;
  readonly bankCr: number;
}

/** Debit and credit totals of one account. */
export interface AccountTotals {
  readonly dr: number;
  readonly cr: number;
}

export const journalKeys = {
  entry: (fund: string, seq: number): string => stateKey(MODULE, 'entry', fund, String(seq)),
  entryCount: (fund: string): string => stateKey(MODULE, 'entries', fund),
  account: (fund: string, account: string): string => stateKey(MODULE, 'acct', fund, account),
  accounts: (fund: string): string => stateKey(MODULE, 'accts', fund),
};

export const entryCodec: Codec<Entry> = defineCodec<Entry>(
  'journal entry',
  ['seq', 'kind', 'ref', 'reference', 'postings', 'at', 'bankDr', 'bankCr'],
  (e) => ({
    seq: e.seq,
    kind: e.kind,
    ref: e.ref,
    reference: e.reference,
    postings: e.postings.map((p) => ({ account: p.account, side: p.side, amount: p.amount })),
    at: atValue(e.at),
    bankDr: e.bankDr,
    bankCr: e.bankCr,
  }),
  (r) => ({
    seq: r.uint('seq'),
    kind: r.oneOf('kind', ENTRY_KINDS),
    ref: r.str('ref', 64),
    reference: r.str('reference', 64),
    postings: r.list('postings', 8, (v: CborValue, path) => {
      const p = r.sub(v, path, ['account', 'side', 'amount']);
      return {
        account: p.match('account', ACCOUNT_PATTERN, 'an account name', 80),
        side: p.oneOf('side', ['dr', 'cr'] as const),
        amount: p.uint('amount'),
      };
    }),
    at: readAt(r, 'at'),
    bankDr: r.uint('bankDr'),
    bankCr: r.uint('bankCr'),
  }),
);

export const totalsCodec: Codec<AccountTotals> = defineCodec<AccountTotals>(
  'account totals',
  ['dr', 'cr'],
  (t) => ({ dr: t.dr, cr: t.cr }),
  (r) => ({ dr: r.uint('dr'), cr: r.uint('cr') }),
);

/** Totals of an account; absent means nothing was ever posted to it. */
export function readTotals(state: StateReader, fund: string, account: string): AccountTotals {
  return readStored(state, journalKeys.account(fund, account), totalsCodec) ?? { dr: 0, cr: 0 };
}

/** The balance on the account's normal side (debit for bank and expenses, credit otherwise). */
export function balanceOf(account: string, t: AccountTotals): number {
  return account === BANK || account.startsWith('expense:') ? t.dr - t.cr : t.cr - t.dr;
}

export function accountBalance(state: StateReader, fund: string, account: string): number {
  return balanceOf(account, readTotals(state, fund, account));
}

/** The accounts ever posted to in a fund, sorted. */
export function readAccounts(state: StateReader, fund: string): string[] {
  return readStored(state, journalKeys.accounts(fund), stringListCodec) ?? [];
}

export function entryCount(state: StateReader, fund: string): number {
  return readCount(state, journalKeys.entryCount(fund));
}

/** Entry `seq` (1-based); CHAIN_INVALID when a counted entry is missing. */
export function readEntry(state: StateReader, fund: string, seq: number): Entry {
  const e = readStored(state, journalKeys.entry(fund, seq), entryCodec);
  if (e === undefined) {
    throw new GongzhiError('CHAIN_INVALID', `journal entry ${seq} of ${fund} missing`, { fund, seq });
  }
  return e;
}

/**
 * Check a posting set: at least two postings, positive safe amounts, known account names, debits
 * equal credits, and no account balance on the normal side of `bank` driven below zero.
 * FUNDS_UNBALANCED otherwise (a caller bug: the operations build their postings themselves).
 */
export function assertBalanced(postings: readonly Posting[]): void {
  let dr = 0n;
  let cr = 0n;
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount <= 0 || !ACCOUNT_PATTERN.test(p.account)) {
      throw new GongzhiError('FUNDS_UNBALANCED', `bad posting to ${p.account}`, { account: p.account });
    }
    if (p.side === 'dr') dr += BigInt(p.amount);
    else cr += BigInt(p.amount);
  }
  if (postings.length < 2 || dr !== cr) {
    throw new GongzhiError('FUNDS_UNBALANCED', 'debits and credits differ', {
      debits: Number(dr),
      credits: Number(cr),
    });
  }
}

/**
 * Post one balanced entry: append it, update each account's totals, and refuse (before any write)
 * a set that would take the bank account below zero.
 */
export function post(
  state: StateOverlay,
  fund: string,
  e: { kind: EntryKind; ref: string; reference: string; postings: readonly Posting[]; at: At },
): Entry {
  assertBalanced(e.postings);
  const totals = new Map<string, AccountTotals>();
  for (const p of e.postings) {
    const t = totals.get(p.account) ?? readTotals(state, fund, p.account);
    totals.set(
      p.account,
      p.side === 'dr' ? { dr: safeAdd(t.dr, p.amount), cr: t.cr } : { dr: t.dr, cr: safeAdd(t.cr, p.amount) },
    );
  }
  const bank = totals.get(BANK) ?? readTotals(state, fund, BANK);
  if (bank.dr < bank.cr) {
    throw new GongzhiError('FUNDS_INSUFFICIENT_BALANCE', `the bank balance of ${fund} would go negative`, {
      fund,
      balance: balanceOf(BANK, readTotals(state, fund, BANK)),
    });
  }
  const seq = entryCount(state, fund) + 1;
  const entry: Entry = { seq, ...e, bankDr: bank.dr, bankCr: bank.cr };
  writeStored(state, journalKeys.entry(fund, seq), entryCodec, entry);
  writeCount(state, journalKeys.entryCount(fund), seq);
  const known = readAccounts(state, fund);
  const all = new Set(known);
  for (const [account, t] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
    writeStored(state, journalKeys.account(fund, account), totalsCodec, t);
    all.add(account);
  }
  if (all.size !== known.length)
    writeStored(state, journalKeys.accounts(fund), stringListCodec, [...all].sort());
  return entry;
}

/** The last entry with timestamp < `t` (0 when none): entries are in timestamp order. */
export function lastEntryBefore(state: StateReader, fund: string, t: number): number {
  let lo = 0;
  let hi = entryCount(state, fund);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (readEntry(state, fund, mid).at.timestamp < t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Bank totals (debits = money in, credits = money out) after entry `seq` (0: none). */
export function bankTotalsAfter(state: StateReader, fund: string, seq: number): AccountTotals {
  if (seq === 0) return { dr: 0, cr: 0 };
  const e = readEntry(state, fund, seq);
  return { dr: e.bankDr, cr: e.bankCr };
}
