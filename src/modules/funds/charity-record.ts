import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec, readStored, stateKey, writeStored } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { type At, atValue, LIMITS, MODULE, readAt } from './record.js';

/**
 * Charity records. Each (fund, project, earmark) has a FIFO queue: donations append their net
 * amount to the queue's money line ([start, start + net)), disbursements take contiguous segments
 * of it ([start, start + amount)). A donation's trace is the overlap of its interval with the
 * segments — a binary search, the same for anyone who replays the ledger. `''` is the general
 * (unearmarked) queue, stored as `_`.
 */
export interface Project {
  readonly fund: string;
  readonly id: string;
  readonly name: string;
  readonly at: At;
}

export interface Donation {
  readonly id: number;
  readonly fund: string;
  readonly project: string;
  /** Pseudonymous donor id, absent for an anonymous donation. */
  readonly donor?: string;
  readonly earmark?: string;
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  /** Where its net amount starts on its queue's money line. */
  readonly start: number;
  readonly reference: string;
  readonly entry: number;
  readonly at: At;
}

export interface Queue {
  /** Net donated into this queue so far (the end of the money line). */
  readonly donated: number;
  /** Taken by disbursements so far. */
  readonly taken: number;
  readonly segments: number;
}

export interface Segment {
  readonly disbursement: number;
  readonly start: number;
  readonly amount: number;
}

export const DISBURSEMENT_STATUSES = ['instructed', 'paid', 'confirmed'] as const;
export type DisbursementStatus = (typeof DISBURSEMENT_STATUSES)[number];

export interface Disbursement {
  readonly id: number;
  readonly fund: string;
  readonly project: string;
  readonly earmark?: string;
  readonly amount: number;
  readonly purpose: string;
  /** Digest committing to the beneficiary (no personal data on the ledger). */
  readonly beneficiary: Uint8Array;
  readonly status: DisbursementStatus;
  readonly at: At;
  readonly payment?: { readonly reference: string; readonly entry: number; readonly at: At };
  readonly confirmation?: { readonly digest: Uint8Array; readonly by: string; readonly at: At };
}

export interface Goods {
  readonly id: number;
  readonly fund: string;
  readonly project: string;
  readonly donor?: string;
  readonly item: string;
  readonly unit: string;
  readonly quantity: number;
  readonly remaining: number;
  readonly distributions: number;
  readonly at: At;
}

export interface GoodsDistribution {
  readonly quantity: number;
  readonly beneficiary: Uint8Array;
  readonly at: At;
}

const q = (earmark: string | undefined): string => earmark ?? '_';

export const charityKeys = {
  project: (fund: string, id: string): string => stateKey(MODULE, 'project', fund, id),
  projectCount: (fund: string): string => stateKey(MODULE, 'projects', fund),
  projectAt: (fund: string, i: number): string => stateKey(MODULE, 'projects', fund, String(i)),
  donation: (id: number): string => stateKey(MODULE, 'donation', String(id)),
  donationCount: (): string => stateKey(MODULE, 'donations'),
  donorCount: (donor: string): string => stateKey(MODULE, 'donor', donor),
  donorAt: (donor: string, i: number): string => stateKey(MODULE, 'donor', donor, String(i)),
  queue: (fund: string, project: string, earmark?: string): string =>
    stateKey(MODULE, 'q', fund, project, q(earmark)),
  segment: (fund: string, project: string, earmark: string | undefined, i: number): string =>
    stateKey(MODULE, 'qs', fund, project, q(earmark), String(i)),
  disbursement: (id: number): string => stateKey(MODULE, 'disb', String(id)),
  disbursementCount: (): string => stateKey(MODULE, 'disbs'),
  goods: (id: number): string => stateKey(MODULE, 'goods', String(id)),
  goodsCount: (): string => stateKey(MODULE, 'goodsn'),
  distribution: (goods: number, i: number): string => stateKey(MODULE, 'dist', String(goods), String(i)),
};

const optDonor = (r: ShapeReader) => (r.has('donor') ? { donor: r.str('donor', LIMITS.account) } : {});
const optEarmark = (r: ShapeReader) => (r.has('earmark') ? { earmark: r.id('earmark') } : {});

export const projectCodec: Codec<Project> = defineCodec<Project>(
  'project',
  ['fund', 'id', 'name', 'at'],
  (p) => ({ fund: p.fund, id: p.id, name: p.name, at: atValue(p.at) }),
  (r) => ({ fund: r.id('fund'), id: r.id('id'), name: r.str('name', LIMITS.name), at: readAt(r, 'at') }),
);

export const donationCodec: Codec<Donation> = defineCodec<Donation>(
  'donation',
  ['id', 'fund', 'project', 'donor', 'earmark', 'amount', 'fee', 'net', 'start', 'reference', 'entry', 'at'],
  (d) => ({
    id: d.id,
    fund: d.fund,
    project: d.project,
    ...(d.donor === undefined ? {} : { donor: d.donor }),
    ...(d.earmark === undefined ? {} : { earmark: d.earmark }),
    amount: d.amount,
    fee: d.fee,
    net: d.net,
    start: d.start,
    reference: d.reference,
    entry: d.entry,
    at: atValue(d.at),
  }),
  (r) => ({
    id: r.uint('id'),
    fund: r.id('fund'),
    project: r.id('project'),
    ...optDonor(r),
    ...optEarmark(r),
    amount: r.uint('amount'),
    fee: r.uint('fee'),
    net: r.uint('net'),
    start: r.uint('start'),
    reference: r.str('reference', LIMITS.reference),
    entry: r.uint('entry'),
    at: readAt(r, 'at'),
  }),
);

export const queueCodec: Codec<Queue> = defineCodec<Queue>(
  'donation queue',
  ['donated', 'taken', 'segments'],
  (x) => ({ donated: x.donated, taken: x.taken, segments: x.segments }),
  (r) => ({ donated: r.uint('donated'), taken: r.uint('taken'), segments: r.uint('segments') }),
);

export const segmentCodec: Codec<Segment> = defineCodec<Segment>(
  'queue segment',
  ['disbursement', 'start', 'amount'],
  (s) => ({ disbursement: s.disbursement, start: s.start, amount: s.amount }),
  (r) => ({ disbursement: r.uint('disbursement'), start: r.uint('start'), amount: r.uint('amount') }),
);

export const disbursementCodec: Codec<Disbursement> = defineCodec<Disbursement>(
  'disbursement',
  [
    'id',
    'fund',
    'project',
    'earmark',
    'amount',
    'purpose',
    'beneficiary',
    'status',
    'at',
    'payment',
    'confirmation',
  ],
  (d) => ({
    id: d.id,
    fund: d.fund,
    project: d.project,
    ...(d.earmark === undefined ? {} : { earmark: d.earmark }),
    amount: d.amount,
    purpose: d.purpose,
    beneficiary: d.beneficiary,
    status: d.status,
    at: atValue(d.at),
    ...(d.payment === undefined
      ? {}
      : { payment: { reference: d.payment.reference, entry: d.payment.entry, at: atValue(d.payment.at) } }),
    ...(d.confirmation === undefined
      ? {}
      : {
          confirmation: {
            digest: d.confirmation.digest,
            by: d.confirmation.by,
            at: atValue(d.confirmation.at),
          },
        }),
  }),
  (r) => {
    const d: Disbursement = {
      id: r.uint('id'),
      fund: r.id('fund'),
      project: r.id('project'),
      ...optEarmark(r),
      amount: r.uint('amount'),
      purpose: r.str('purpose', LIMITS.purpose),
      beneficiary: r.digest('beneficiary'),
      status: r.oneOf('status', DISBURSEMENT_STATUSES),
      at: readAt(r, 'at'),
    };
    const pay = r.has('payment') ? r.nested('payment', ['reference', 'entry', 'at']) : undefined;
    const conf = r.has('confirmation') ? r.nested('confirmation', ['digest', 'by', 'at']) : undefined;
    return {
      ...d,
      ...(pay === undefined
        ? {}
        : {
            payment: {
              reference: pay.str('reference', LIMITS.reference),
              entry: pay.uint('entry'),
              at: readAt(pay, 'at'),
            },
          }),
      ...(conf === undefined
        ? {}
        : {
            confirmation: {
              digest: conf.digest('digest'),
              by: conf.str('by', LIMITS.account),
              at: readAt(conf, 'at'),
            },
          }),
    };
  },
);

export const goodsCodec: Codec<Goods> = defineCodec<Goods>(
  'goods donation',
  ['id', 'fund', 'project', 'donor', 'item', 'unit', 'quantity', 'remaining', 'distributions', 'at'],
  (g) => ({
    id: g.id,
    fund: g.fund,
    project: g.project,
    ...(g.donor === undefined ? {} : { donor: g.donor }),
    item: g.item,
    unit: g.unit,
    quantity: g.quantity,
    remaining: g.remaining,
    distributions: g.distributions,
    at: atValue(g.at),
  }),
  (r) => ({
    id: r.uint('id'),
    fund: r.id('fund'),
    project: r.id('project'),
    ...optDonor(r),
    item: r.str('item', LIMITS.name),
    unit: r.str('unit', 32),
    quantity: r.uint('quantity'),
    remaining: r.uint('remaining'),
    distributions: r.uint('distributions'),
    at: readAt(r, 'at'),
  }),
);

export const distributionCodec: Codec<GoodsDistribution> = defineCodec<GoodsDistribution>(
  'goods distribution',
  ['quantity', 'beneficiary', 'at'],
  (d) => ({ quantity: d.quantity, beneficiary: d.beneficiary, at: atValue(d.at) }),
  (r) => ({ quantity: r.uint('quantity'), beneficiary: r.digest('beneficiary'), at: readAt(r, 'at') }),
);

function found<T>(v: T | undefined, what: string, id: number | string): T {
  if (v === undefined) throw new GongzhiError('FUNDS_NOT_FOUND', `no ${what} ${id}`, { [what]: id });
  return v;
}

export const foundProject = (s: StateReader, fund: string, id: string): Project =>
  found(readStored(s, charityKeys.project(fund, id), projectCodec), 'project', id);
export const foundDonation = (s: StateReader, id: number): Donation =>
  found(readStored(s, charityKeys.donation(id), donationCodec), 'donation', id);
export const foundDisbursement = (s: StateReader, id: number): Disbursement =>
  found(readStored(s, charityKeys.disbursement(id), disbursementCodec), 'disbursement', id);
export const foundGoods = (s: StateReader, id: number): Goods =>
  found(readStored(s, charityKeys.goods(id), goodsCodec), 'goods', id);

/** A queue; absent means nothing was donated into it yet. */
export function readQueue(s: StateReader, fund: string, project: string, earmark?: string): Queue {
  return (
    readStored(s, charityKeys.queue(fund, project, earmark), queueCodec) ?? {
      donated: 0,
      taken: 0,
      segments: 0,
    }
  );
}

export function writeQueue(
  s: StateOverlay,
  fund: string,
  project: string,
  earmark: string | undefined,
  x: Queue,
): void {
  writeStored(s, charityKeys.queue(fund, project, earmark), queueCodec, x);
}

export function readSegment(
  s: StateReader,
  fund: string,
  project: string,
  earmark: string | undefined,
  i: number,
): Segment {
  const seg = readStored(s, charityKeys.segment(fund, project, earmark, i), segmentCodec);
  if (seg === undefined) {
    throw new GongzhiError('CHAIN_INVALID', `queue segment ${i} missing`, { fund, project, segment: i });
  }
  return seg;
}
