import { classOf, isMoneyAccount } from './accounting.js';
import { holderBalance, holderCodec } from './holder.js';
import { type JournalEntry, journalCodec } from './journal.js';
import { keys } from './keys.js';
import { balanceCodec, numMapCodec } from './num-map.js';
import { programCodec } from './program.js';
import { decodeAt } from './stored.js';
import { type Holder, MODULE, MONEY_CLASSES, POINT_CLASSES } from './types.js';

/** Outcome of auditing one program's books. */
export interface AuditReport {
  readonly program: string;
  readonly postingSets: number;
  readonly lines: number;
  /** Every violated invariant, in words; empty when the books are sound. */
  readonly violations: readonly string[];
}

/**
 * Audit a program from a full dump of its state (`[key, canonical bytes]` pairs, e.g. the state
 * table of a group): replay the journal and check that
 * - every posting set sums to zero, separately in points and in money;
 * - replaying all posting sets gives exactly the stored balance of every account (users as
 *   Σ lots − debt − owed, distributor quotas as Σ sponsor buckets, everything else as plain balances);
 * - the running class totals equal the sums of the balances, and sum to zero per unit, i.e.
 *   issued = quota + held + redeemed + expired + donated + exchanged + cashed out + clawed back;
 * - each sponsor's reserve equals value × (its quota buckets + the lots it backs);
 * - no lot, quota bucket, pool, reserve or payable is negative; debt stays within the limit;
 *   what claw-backs left owed equals the running total `owed`.
 */
export function auditProgram(state: Iterable<readonly [string, Uint8Array]>, program: string): AuditReport {
  const violations: string[] = [];
  const prefix = (what: string) => `${MODULE}/${what}/${program}/`;
  const pBal = prefix('bal');
  const pUser = prefix('user');
  const pQuota = prefix('quota');
  const pJournal = prefix('journal');
  const stored = new Map<string, number>();
  const backed = new Map<string, number>();
  const journal: JournalEntry[] = [];
  let programBytes: Uint8Array | undefined;
  let totalsBytes: Uint8Array | undefined;
  let debtSum = 0;
  let owedSum = 0;
  const holders: [string, Holder][] = [];
  for (const [k, v] of state) {
    if (k === keys.program(program)) programBytes = v;
    else if (k === keys.totals(program)) totalsBytes = v;
    else if (k.startsWith(pBal)) stored.set(k.slice(pBal.length), decodeAt(k, v, balanceCodec));
    else if (k.startsWith(pUser)) holders.push([k.slice(pUser.length), decodeAt(k, v, holderCodec)]);
    else if (k.startsWith(pQuota)) {
      const d = k.slice(pQuota.length);
      const q = decodeAt(k, v, numMapCodec);
      let sum = 0;
      for (const [s, x] of Object.entries(q)) {
        sum += x;
        if (x < 0) violations.push(`quota bucket ${d}/${s} is negative`);
        backed.set(s, (backed.get(s) ?? 0) + x);
      }
      stored.set(`quota:${d}`, sum);
    } else if (k.startsWith(pJournal)) journal.push(decodeAt(k, v, journalCodec));
  }
  if (programBytes === undefined)
    return { program, postingSets: 0, lines: 0, violations: ['no such program'] };
  const p = decodeAt(keys.program(program), programBytes, programCodec);
  for (const [a, h] of holders) {
    stored.set(`user:${a}`, holderBalance(h));
    debtSum += h.debt;
    owedSum += h.owed;
    if (h.debt < 0 || h.debt > p.debtLimit) violations.push(`debt of ${a} is outside 0..${p.debtLimit}`);
    for (const l of h.lots) {
      if (l.amount <= 0) violations.push(`a lot of ${a} is not positive`);
      backed.set(l.sponsor, (backed.get(l.sponsor) ?? 0) + l.amount);
    }
  }
  journal.sort((x, y) => x.n - y.n);
  const replay = new Map<string, number>();
  let lines = 0;
  journal.forEach((j, i) => {
    if (j.n !== i) violations.push(`journal gap at ${i}`);
    let points = 0;
    let money = 0;
    for (const [acct, d] of j.entries) {
      lines++;
      if (isMoneyAccount(acct)) money += d;
      else points += d;
      replay.set(acct, (replay.get(acct) ?? 0) + d);
    }
    if (points !== 0 || money !== 0) violations.push(`posting set ${j.n} (${j.op}) does not sum to zero`);
  });
  for (const acct of new Set([...replay.keys(), ...stored.keys()])) {
    const r = replay.get(acct) ?? 0;
    const s = stored.get(acct) ?? 0;
    if (r !== s) violations.push(`account ${acct}: journal replays to ${r}, stored ${s}`);
    const c = classOf(acct);
    if ((c === 'pool' || c === 'reserve' || c === 'payable' || c === 'receivable') && s < 0)
      violations.push(`${acct} is negative`);
    if ((c === 'issuance' || c === 'funding') && s > 0) violations.push(`${acct} is positive`);
  }
  const totals = totalsBytes === undefined ? {} : decodeAt(keys.totals(program), totalsBytes, numMapCodec);
  const byClass = new Map<string, number>();
  for (const [acct, s] of stored) byClass.set(classOf(acct), (byClass.get(classOf(acct)) ?? 0) + s);
  let pointSum = 0;
  let moneySum = 0;
  for (const c of [...POINT_CLASSES, ...MONEY_CLASSES]) {
    const t = totals[c] ?? 0;
    if (t !== (byClass.get(c) ?? 0))
      violations.push(`total ${c} is ${t}, balances sum to ${byClass.get(c) ?? 0}`);
    if ((MONEY_CLASSES as readonly string[]).includes(c)) moneySum += t;
    else pointSum += t;
  }
  if (pointSum !== 0) violations.push(`points do not balance: classes sum to ${pointSum}`);
  if (moneySum !== 0) violations.push(`money does not balance: classes sum to ${moneySum}`);
  if ((totals.debt ?? 0) !== debtSum) violations.push(`total debt ${totals.debt ?? 0} ≠ Σ debts ${debtSum}`);
  if ((totals.owed ?? 0) !== owedSum) violations.push(`total owed ${totals.owed ?? 0} ≠ Σ owed ${owedSum}`);
  if ((totals.journal ?? 0) !== journal.length) violations.push('journal count differs from totals');
  if (p.value > 0) {
    for (const s of new Set([
      ...backed.keys(),
      ...[...stored.keys()].filter((a) => a.startsWith('reserve:')),
    ])) {
      const sponsor = s.startsWith('reserve:') ? s.slice('reserve:'.length) : s;
      const want = (backed.get(sponsor) ?? 0) * p.value;
      const have = stored.get(`reserve:${sponsor}`) ?? 0;
      if (want !== have) violations.push(`reserve of ${sponsor} is ${have}, backing requires ${want}`);
    }
  }
  return { program, postingSets: journal.length, lines, violations };
}
