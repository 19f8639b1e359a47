import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, readStored, S, writeStored } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import { readAmount, readReference, readSerial, safeAdd, schemas } from './args.js';
import {
  charityKeys,
  type Disbursement,
  type Donation,
  disbursementCodec,
  distributionCodec,
  donationCodec,
  foundDisbursement,
  foundGoods,
  foundProject,
  type Goods,
  goodsCodec,
  projectCodec,
  readQueue,
  type Segment,
  segmentCodec,
  writeQueue,
} from './charity-record.js';
import { BANK, type Posting, post } from './journal.js';
import { requireAnchored } from './receipts.js';
import {
  at,
  type Fund,
  foundFund,
  freshReference,
  idCodec,
  LIMITS,
  notFrozen,
  readCount,
  useReference,
  writeCount,
} from './record.js';
import { holdsRole, requireRole } from './roles.js';

/** FUNDS_NOT_CHARITY unless the fund is a charity fund. */
function charityFund(state: StateReader, id: string): Fund {
  const f = foundFund(state, id);
  if (f.kind !== 'charity')
    throw new GongzhiError('FUNDS_NOT_CHARITY', `fund ${id} is not a charity fund`, { fund: id });
  return f;
}

/** The management-fee share of a donation: floor(amount × feeBps / 10 000), in integers. */
export function feeOf(amount: number, feeBps: number): number {
  return Number((BigInt(amount) * BigInt(feeBps)) / 10_000n);
}

const optDonor = (r: ShapeReader) => (r.has('donor') ? { donor: r.str('donor', LIMITS.account) } : {});
const optEarmark = (r: ShapeReader) => (r.has('earmark') ? { earmark: r.id('earmark') } : {});

/** `addProject`: the charity's manager opens a project of a charity fund. */
export const addProject = defineMethod<{ fund: string; id: string; name: string }, number>({
  summary: 'Manager: open a project of a charity fund',
  args: S.Object(
    { fund: schemas.fund, id: S.Id('project id'), name: S.String({ maxLength: LIMITS.name }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'id', 'name']);
    return { fund: r.id('fund'), id: r.id('id'), name: r.str('name', LIMITS.name) };
  },
  check: ({ state, sender }, a) => {
    const f = charityFund(state, a.fund);
    requireRole(state, f, 'manager', sender);
    if (readStored(state, charityKeys.project(a.fund, a.id), projectCodec) !== undefined) {
      throw new GongzhiError('FUNDS_EXISTS', `project ${a.id} exists`, { project: a.id });
    }
    return readCount(state, charityKeys.projectCount(a.fund)) + 1;
  },
  apply: (ctx, a, n) => {
    writeStored(ctx.state, charityKeys.project(a.fund, a.id), projectCodec, { ...a, at: at(ctx) });
    writeStored(ctx.state, charityKeys.projectAt(a.fund, n), idCodec, a.id);
    writeCount(ctx.state, charityKeys.projectCount(a.fund), n);
    ctx.emit('projectAdded', { fund: a.fund, project: a.id });
  },
});

interface DonationArgs {
  readonly fund: string;
  readonly project: string;
  readonly amount: number;
  readonly reference: string;
  readonly donor?: string;
  readonly earmark?: string;
}

/**
 * `recordDonation`: the custodian posts a donation received: debit bank; credit the project with
 * the net amount and income:management-fee with the fee share. The net amount joins the FIFO
 * queue of its earmark (or the general queue).
 */
export const recordDonation = defineMethod<DonationArgs, { f: Fund; id: number }>({
  summary: 'Custodian: post a donation to a project (pseudonymous or anonymous donor, optional earmark)',
  args: S.Object(
    {
      fund: schemas.fund,
      project: S.Id('project id'),
      amount: schemas.amount,
      reference: schemas.reference,
      donor: S.Optional(
        S.String({ maxLength: LIMITS.account, description: 'pseudonymous donor id; absent = anonymous' }),
      ),
      earmark: S.Optional(S.Id('donor-chosen earmark within the project')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'project', 'amount', 'reference', 'donor', 'earmark']);
    return {
      fund: r.id('fund'),
      project: r.id('project'),
      amount: readAmount(r),
      reference: readReference(r),
      ...optDonor(r),
      ...optEarmark(r),
    };
  },
  check: ({ state, sender }, a) => {
    const f = charityFund(state, a.fund);
    requireRole(state, f, 'custodian', sender);
    foundProject(state, f.id, a.project);
    freshReference(state, f.id, a.reference);
    return { f, id: readCount(state, charityKeys.donationCount()) + 1 };
  },
  apply: (ctx, a, { f, id }) => {
    const fee = feeOf(a.amount, f.feeBps);
    const net = a.amount - fee;
    const postings: Posting[] = [{ account: BANK, side: 'dr', amount: a.amount }];
    if (net > 0) postings.push({ account: `project:${a.project}`, side: 'cr', amount: net });
    if (fee > 0) postings.push({ account: 'income:management-fee', side: 'cr', amount: fee });
    const entry = post(ctx.state, f.id, {
      kind: 'donation',
      ref: `donation:${id}`,
      reference: a.reference,
      postings,
      at: at(ctx),
    });
    useReference(ctx.state, f.id, a.reference, `donation:${id}`);
    const q = readQueue(ctx.state, f.id, a.project, a.earmark);
    writeQueue(ctx.state, f.id, a.project, a.earmark, { ...q, donated: safeAdd(q.donated, net) });
    const d: Donation = { id, ...a, fee, net, start: q.donated, entry: entry.seq, at: at(ctx) };
    writeStored(ctx.state, charityKeys.donation(id), donationCodec, d);
    writeCount(ctx.state, charityKeys.donationCount(), id);
    if (a.donor !== undefined) {
      const n = readCount(ctx.state, charityKeys.donorCount(a.donor)) + 1;
      writeCount(ctx.state, charityKeys.donorAt(a.donor, n), id);
      writeCount(ctx.state, charityKeys.donorCount(a.donor), n);
    }
    ctx.emit('donation', {
      id,
      fund: f.id,
      project: a.project,
      amount: a.amount,
      fee,
      ...(a.earmark === undefined ? {} : { earmark: a.earmark }),
    });
  },
});

interface DisburseArgs {
  readonly fund: string;
  readonly project: string;
  readonly amount: number;
  readonly purpose: string;
  readonly beneficiary: Uint8Array;
  readonly earmark?: string;
}

/** The queues a disbursement takes from, in order: its earmark's, then the general one. */
function queuesFor(earmark: string | undefined): (string | undefined)[] {
  return earmark === undefined ? [undefined] : [earmark, undefined];
}

/**
 * `disburse`: the manager instructs a disbursement from a project to a beneficiary (a digest). The
 * money is allocated now — earmarked donations first, then the general queue, first in first out,
 * exact to the fen — and leaves the bank when the custodian pays it.
 */
export const disburse = defineMethod<
  DisburseArgs,
  { id: number; takes: { earmark: string | undefined; seg: Segment }[] }
>({
  summary:
    'Manager: instruct a disbursement from a project to a beneficiary digest (allocated earmark first, then FIFO)',
  args: S.Object(
    {
      fund: schemas.fund,
      project: S.Id(),
      amount: schemas.amount,
      purpose: S.String({ minLength: 1, maxLength: LIMITS.purpose }),
      beneficiary: S.Hex(32, 'digest committing to the beneficiary'),
      earmark: S.Optional(S.Id('the earmark this disbursement serves')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'project', 'amount', 'purpose', 'beneficiary', 'earmark']);
    return {
      fund: r.id('fund'),
      project: r.id('project'),
      amount: readAmount(r),
      purpose: r.str('purpose', LIMITS.purpose),
      beneficiary: r.digest('beneficiary'),
      ...optEarmark(r),
    };
  },
  check: ({ state, sender }, a) => {
    const f = charityFund(state, a.fund);
    requireRole(state, f, 'manager', sender);
    notFrozen(f);
    foundProject(state, f.id, a.project);
    const id = readCount(state, charityKeys.disbursementCount()) + 1;
    let left = a.amount;
    const takes: { earmark: string | undefined; seg: Segment }[] = [];
    for (const e of queuesFor(a.earmark)) {
      const q = readQueue(state, f.id, a.project, e);
      const take = Math.min(left, q.donated - q.taken);
      if (take > 0) takes.push({ earmark: e, seg: { disbursement: id, start: q.taken, amount: take } });
      left -= take;
    }
    if (left > 0) {
      throw new GongzhiError(
        'FUNDS_PROJECT_INSUFFICIENT',
        `project ${a.project} lacks ${left} for this disbursement`,
        {
          project: a.project,
          amount: a.amount,
          available: a.amount - left,
        },
      );
    }
    return { id, takes };
  },
  apply: (ctx, a, { id, takes }) => {
    for (const { earmark, seg } of takes) {
      const q = readQueue(ctx.state, a.fund, a.project, earmark);
      writeStored(
        ctx.state,
        charityKeys.segment(a.fund, a.project, earmark, q.segments + 1),
        segmentCodec,
        seg,
      );
      writeQueue(ctx.state, a.fund, a.project, earmark, {
        donated: q.donated,
        taken: q.taken + seg.amount,
        segments: q.segments + 1,
      });
    }
    const d: Disbursement = { id, ...a, status: 'instructed', at: at(ctx) };
    writeStored(ctx.state, charityKeys.disbursement(id), disbursementCodec, d);
    writeCount(ctx.state, charityKeys.disbursementCount(), id);
    ctx.emit('disbursementInstructed', { id, fund: a.fund, project: a.project, amount: a.amount });
  },
});

/** `payDisbursement`: the custodian confirms the transfer with its reference: debit project, credit bank. */
export const payDisbursement = defineMethod<{ id: number; reference: string }, Disbursement>({
  summary: 'Custodian: confirm payment of an instructed disbursement with the bank reference',
  args: S.Object({ id: schemas.serial, reference: schemas.reference }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'reference']);
    return { id: readSerial(r, 'id'), reference: readReference(r) };
  },
  check: ({ state, sender }, a) => {
    const d = foundDisbursement(state, a.id);
    const f = foundFund(state, d.fund);
    requireRole(state, f, 'custodian', sender);
    notFrozen(f);
    if (d.status !== 'instructed') {
      throw new GongzhiError('FUNDS_BAD_STATE', `disbursement ${d.id} is ${d.status}`, {
        disbursement: d.id,
        status: d.status,
      });
    }
    freshReference(state, f.id, a.reference);
    return d;
  },
  apply: (ctx, a, d) => {
    const entry = post(ctx.state, d.fund, {
      kind: 'disbursement',
      ref: `disbursement:${d.id}`,
      reference: a.reference,
      postings: [
        { account: `project:${d.project}`, side: 'dr', amount: d.amount },
        { account: BANK, side: 'cr', amount: d.amount },
      ],
      at: at(ctx),
    });
    useReference(ctx.state, d.fund, a.reference, `disbursement:${d.id}`);
    writeStored(ctx.state, charityKeys.disbursement(d.id), disbursementCodec, {
      ...d,
      status: 'paid',
      payment: { reference: a.reference, entry: entry.seq, at: at(ctx) },
    });
    ctx.emit('disbursementPaid', { id: d.id, fund: d.fund, amount: d.amount, reference: a.reference });
  },
});

/**
 * `confirmDisbursement`: the manager or the supervisor records the beneficiary's confirmation —
 * the digest of her signed acknowledgement, anchored through the evidence module.
 */
export const confirmDisbursement = defineMethod<{ id: number; digest: Uint8Array }, Disbursement>({
  summary:
    'Manager or supervisor: record the beneficiary’s anchored confirmation digest of a paid disbursement',
  args: S.Object({ id: schemas.serial, digest: schemas.digest }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'digest']);
    return { id: readSerial(r, 'id'), digest: r.digest('digest') };
  },
  check: ({ state, sender }, a) => {
    const d = foundDisbursement(state, a.id);
    const f = foundFund(state, d.fund);
    if (!holdsRole(state, f, 'supervisor', sender)) requireRole(state, f, 'manager', sender);
    if (d.status !== 'paid') {
      throw new GongzhiError('FUNDS_BAD_STATE', `disbursement ${d.id} is ${d.status}`, {
        disbursement: d.id,
        status: d.status,
      });
    }
    requireAnchored(state, [a.digest]);
    return d;
  },
  apply: (ctx, a, d) => {
    writeStored(ctx.state, charityKeys.disbursement(d.id), disbursementCodec, {
      ...d,
      status: 'confirmed',
      confirmation: { digest: a.digest, by: ctx.sender, at: at(ctx) },
    });
    ctx.emit('disbursementConfirmed', { id: d.id, digest: a.digest });
  },
});

interface GoodsArgs {
  readonly fund: string;
  readonly project: string;
  readonly item: string;
  readonly unit: string;
  readonly quantity: number;
  readonly donor?: string;
}

/** `recordGoods`: the manager records goods received for a project, with their quantity. */
export const recordGoods = defineMethod<GoodsArgs, number>({
  summary: 'Manager: record a goods donation to a project (item, unit, quantity, donor)',
  args: S.Object(
    {
      fund: schemas.fund,
      project: S.Id(),
      item: S.String({ minLength: 1, maxLength: LIMITS.name }),
      unit: S.String({ minLength: 1, maxLength: 32 }),
      quantity: S.Integer({ minimum: 1 }),
      donor: S.Optional(S.String({ maxLength: LIMITS.account })),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'project', 'item', 'unit', 'quantity', 'donor']);
    return {
      fund: r.id('fund'),
      project: r.id('project'),
      item: r.str('item', LIMITS.name),
      unit: r.str('unit', 32),
      quantity: readAmount(r, 'quantity'),
      ...optDonor(r),
    };
  },
  check: ({ state, sender }, a) => {
    const f = charityFund(state, a.fund);
    requireRole(state, f, 'manager', sender);
    foundProject(state, f.id, a.project);
    return readCount(state, charityKeys.goodsCount()) + 1;
  },
  apply: (ctx, a, id) => {
    const g: Goods = { id, ...a, remaining: a.quantity, distributions: 0, at: at(ctx) };
    writeStored(ctx.state, charityKeys.goods(id), goodsCodec, g);
    writeCount(ctx.state, charityKeys.goodsCount(), id);
    ctx.emit('goodsDonated', { id, fund: a.fund, project: a.project, item: a.item, quantity: a.quantity });
  },
});

/** `distributeGoods`: the manager hands out part of a goods donation to a beneficiary digest. */
export const distributeGoods = defineMethod<
  { goods: number; quantity: number; beneficiary: Uint8Array },
  Goods
>({
  summary: 'Manager: distribute goods from a goods donation to a beneficiary digest',
  args: S.Object(
    { goods: schemas.serial, quantity: S.Integer({ minimum: 1 }), beneficiary: schemas.digest },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['goods', 'quantity', 'beneficiary']);
    return {
      goods: readSerial(r, 'goods'),
      quantity: readAmount(r, 'quantity'),
      beneficiary: r.digest('beneficiary'),
    };
  },
  check: ({ state, sender }, a) => {
    const g = foundGoods(state, a.goods);
    const f = foundFund(state, g.fund);
    requireRole(state, f, 'manager', sender);
    notFrozen(f);
    if (a.quantity > g.remaining) {
      throw new GongzhiError('FUNDS_GOODS_INSUFFICIENT', `only ${g.remaining} ${g.unit} remain`, {
        goods: g.id,
        remaining: g.remaining,
      });
    }
    return g;
  },
  apply: (ctx, a, g) => {
    const n = g.distributions + 1;
    writeStored(ctx.state, charityKeys.distribution(g.id, n), distributionCodec, {
      quantity: a.quantity,
      beneficiary: a.beneficiary,
      at: at(ctx),
    });
    writeStored(ctx.state, charityKeys.goods(g.id), goodsCodec, {
      ...g,
      remaining: g.remaining - a.quantity,
      distributions: n,
    });
    ctx.emit('goodsDistributed', { goods: g.id, quantity: a.quantity, remaining: g.remaining - a.quantity });
  },
});
