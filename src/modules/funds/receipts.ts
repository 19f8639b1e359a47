import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { readRecord } from '../evidence/index.js';
import { readSerial, schemas } from './args.js';
import { type Expense, foundExpense, inStatus, transition, writeExpense } from './expense.js';
import { at, type Fund, foundFund, LIMITS } from './record.js';
import { holdsRole, requireMember } from './roles.js';

/**
 * A digest counts as anchored when the evidence module holds a record for it with at least one
 * signature that stands (a record whose every signer revoked is no longer vouched for).
 */
export function isAnchored(state: StateReader, digest: Uint8Array): boolean {
  const r = readRecord(state, digest);
  return r?.signers.some((s) => s.revoked === undefined) ?? false;
}

/** FUNDS_RECEIPT_NOT_ANCHORED for the first digest the evidence module does not vouch for. */
export function requireAnchored(state: StateReader, digests: readonly Uint8Array[]): void {
  for (const d of digests) {
    if (!isAnchored(state, d)) {
      throw new GongzhiError('FUNDS_RECEIPT_NOT_ANCHORED', `digest ${toHex(d)} is not anchored as evidence`, {
        digest: toHex(d),
      });
    }
  }
}

/** Works wait for the committee; anything else is receipted once its receipts are anchored. */
function receiptedNow(f: Fund, e: Expense): boolean {
  if (e.receipts.length === 0) return false;
  if (!e.works) return true;
  return e.completions.reduce((s, c) => s + c.weight, 0) >= f.completionWeight;
}

interface ReceiptArgs {
  readonly id: number;
  readonly digests: readonly Uint8Array[];
}

/**
 * `addReceipts`: the submitter or the manager cites the digests of invoices, contracts and photos
 * anchored through the evidence module (no files on the ledger). A paid expense that is not works
 * is then receipted; works also need the committee's completion confirmation.
 */
export const addReceipts = defineMethod<ReceiptArgs, { e: Expense; f: Fund }>({
  summary: 'Cite anchored receipt digests (invoice, contract, photos) for a paid expense',
  args: S.Object(
    { id: schemas.serial, digests: S.Array(schemas.digest, { minItems: 1, maxItems: 8 }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'digests']);
    const digests = r.list('digests', 8, (x, path) =>
      x instanceof Uint8Array && x.length === 32 ? x : r.fail(path, '32-byte digests'),
    );
    if (digests.length === 0) r.fail('digests', 'at least one digest');
    return { id: readSerial(r, 'id'), digests };
  },
  check: ({ state, sender }, a) => {
    const e = foundExpense(state, a.id);
    const f = foundFund(state, e.fund);
    if (e.submitter !== sender && !holdsRole(state, f, 'manager', sender)) {
      throw new GongzhiError('FUNDS_NOT_ROLE', 'only the submitter or the manager adds receipts', {
        expense: e.id,
        role: 'manager',
      });
    }
    inStatus(e, ['paid']);
    const known = new Set(e.receipts.map(toHex));
    const fresh = a.digests.filter((d) => !known.has(toHex(d)));
    if (e.receipts.length + fresh.length > LIMITS.receipts) {
      throw new GongzhiError('FUNDS_BAD_STATE', `an expense holds at most ${LIMITS.receipts} receipts`, {
        expense: e.id,
        status: e.status,
      });
    }
    requireAnchored(state, fresh);
    return { e: { ...e, receipts: [...e.receipts, ...fresh] }, f };
  },
  apply: (ctx, _a, { e, f }) => {
    writeExpense(ctx.state, receiptedNow(f, e) ? transition(e, 'receipted', ctx.sender, at(ctx)) : e);
    ctx.emit('receiptsAdded', { id: e.id, receipts: e.receipts.length });
  },
});

/** `confirmCompletion`: committee members (not the submitter) confirm that paid works are done. */
export const confirmCompletion = defineMethod<{ readonly id: number }, { e: Expense; f: Fund }>({
  summary: 'Committee member: confirm completed works of a paid, receipted expense',
  args: S.Object({ id: schemas.serial }, { additionalProperties: false }),
  parse: (v) => ({ id: readSerial(readArgs(v, ['id']), 'id') }),
  check: (ctx, a) => {
    const { state, sender } = ctx;
    const e = foundExpense(state, a.id);
    const f = foundFund(state, e.fund);
    const m = requireMember(f, sender);
    if (e.submitter === sender) {
      throw new GongzhiError('FUNDS_SELF_APPROVAL', 'the submitter cannot confirm her own works', {
        expense: e.id,
      });
    }
    if (e.completions.some((c) => c.account === sender)) {
      throw new GongzhiError('FUNDS_ALREADY_APPROVED', 'this member confirmed already', { expense: e.id });
    }
    inStatus(e, ['paid']);
    if (!e.works || e.receipts.length === 0) {
      throw new GongzhiError('FUNDS_BAD_STATE', 'only works with anchored receipts await completion', {
        expense: e.id,
        status: e.status,
      });
    }
    return {
      e: { ...e, completions: [...e.completions, { account: sender, weight: m.weight, at: at(ctx) }] },
      f,
    };
  },
  apply: (ctx, _a, { e: next, f }) => {
    writeExpense(
      ctx.state,
      receiptedNow(f, next) ? transition(next, 'receipted', ctx.sender, at(ctx)) : next,
    );
    ctx.emit('completionConfirmed', { id: next.id, by: ctx.sender });
  },
});
