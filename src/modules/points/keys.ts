import { stateKey } from '../../execution/index.js';
import { MODULE } from './types.js';

/** State keys of the module (all under `points/`). Each key holds one record type (see its codec). */
export const keys = {
  /** The list of program ids (string list). */
  programs: () => stateKey(MODULE, 'programs'),
  /** A program (program.ts). */
  program: (id: string) => stateKey(MODULE, 'program', id),
  /** A methodology version (methodology.ts). */
  methodology: (program: string, version: number) => stateKey(MODULE, 'meth', program, String(version)),
  /** A role grant (marks.ts). */
  role: (program: string, role: string, account: string) => stateKey(MODULE, 'role', program, role, account),
  /** The program's supervisors (string list, supervisors.ts). */
  supervisors: (program: string) => stateKey(MODULE, 'sups', program),
  /** Supervisors' votes for a change of supervisors (string list, supervisors.ts). */
  supervisorVote: (program: string, action: string, account: string) =>
    stateKey(MODULE, 'supvote', program, action, account),
  /** A freeze mark (marks.ts). */
  frozen: (program: string, account: string) => stateKey(MODULE, 'frozen', program, account),
  /** A member's holdings (holder.ts). */
  holder: (program: string, account: string) => stateKey(MODULE, 'user', program, account),
  /** The `index`-th account that ever joined (marks.ts). */
  member: (program: string, index: number) => stateKey(MODULE, 'member', program, String(index)),
  /** A listed relationship (marks.ts). */
  relation: (program: string, from: string, to: string) => stateKey(MODULE, 'rel', program, from, to),
  /** A distributor's quota buckets by sponsor (number map). */
  quota: (program: string, distributor: string) => stateKey(MODULE, 'quota', program, distributor),
  /** A sponsor's open funding / withdrawal requests (number map `{fund, withdraw}`, ops-funding.ts). */
  fundRequest: (program: string, sponsor: string) => stateKey(MODULE, 'fundreq', program, sponsor),
  /** Quota a sponsor consented to back for a distributor (marks.ts). */
  allowance: (program: string, sponsor: string, distributor: string) =>
    stateKey(MODULE, 'allow', program, sponsor, distributor),
  /** A sponsor's consent to back the points arriving in `program` under an agreement (marks.ts). */
  backing: (agreement: string, program: string) => stateKey(MODULE, 'xback', agreement, program),
  /** A plain account's balance (number). */
  balance: (program: string, account: string) => stateKey(MODULE, 'bal', program, account),
  /** Running totals with the open period's aggregate (number map, totals.ts). */
  totals: (program: string) => stateKey(MODULE, 'totals', program),
  /** The `n`-th posting set (journal.ts). */
  journal: (program: string, n: number) => stateKey(MODULE, 'journal', program, String(n)),
  /** A closed period's aggregate (number map). */
  periodAgg: (program: string, period: number) => stateKey(MODULE, 'pagg', program, String(period)),
  /** A distributor's aggregate of one period (number map). */
  distAgg: (program: string, period: number, distributor: string) =>
    stateKey(MODULE, 'dagg', program, String(period), distributor),
  /** A device's claims of one period (number map, device-anomaly.ts). */
  deviceAgg: (program: string, period: number, device: string) =>
    stateKey(MODULE, 'devagg', program, String(period), device),
  /** How many devices claimed in one period, and the `i`-th of them (device-anomaly.ts). */
  deviceCount: (program: string, period: number) => stateKey(MODULE, 'devn', program, String(period)),
  deviceAt: (program: string, period: number, i: number) =>
    stateKey(MODULE, 'devi', program, String(period), String(i)),
  /** The device that first submitted an evidence digest (device-anomaly.ts). */
  evidenceDevice: (program: string, evidenceHex: string) => stateKey(MODULE, 'evid', program, evidenceHex),
  /** The distributors active in one period (string list). */
  distList: (program: string, period: number) => stateKey(MODULE, 'dlist', program, String(period)),
  /** The payable accounts with a balance this period (string list). */
  pairs: (program: string) => stateKey(MODULE, 'pairs', program),
  /** A claim (claim.ts). */
  claim: (program: string, idHex: string) => stateKey(MODULE, 'claim', program, idHex),
  /** How far a device has claimed one kind for one member (marks.ts). */
  highWater: (program: string, kind: string, deviceHex: string, user: string) =>
    stateKey(MODULE, 'hwm', program, kind, deviceHex, user),
  /** A device's claimed time and quantities for one member on one local day (number map, day-use.ts). */
  dayUse: (program: string, deviceHex: string, user: string, day: number) =>
    stateKey(MODULE, 'dayuse', program, deviceHex, user, String(day)),
  /** A measuring device of the shared registry, by its digest, across programmes (device.ts). */
  device: (deviceHex: string) => stateKey(MODULE, 'dev', deviceHex),
  /** The device an asset (vehicle, meter, camera site) is bound to now (string, device.ts). */
  asset: (assetHex: string) => stateKey(MODULE, 'asset', assetHex),
  /** Claimed intervals of one de-duplication unit on one UTC day, across programmes (device.ts). */
  dedup: (unit: string, day: number) => stateKey(MODULE, 'dedup', unit, String(day)),
  /** A verifier's opinion on a methodology version (verification.ts). */
  validation: (program: string, version: number, verifier: string) =>
    stateKey(MODULE, 'mval', program, String(version), verifier),
  /** Count of positive and negative opinions on a methodology version (number map). */
  validationSum: (program: string, version: number) => stateKey(MODULE, 'mvsum', program, String(version)),
  /** Verified reductions of one period under one methodology version, as serial-numbered units (units.ts). */
  units: (program: string, period: number, version: number) =>
    stateKey(MODULE, 'units', program, String(period), String(version)),
  /** The unit batches of a program: `<period>/<version>` (string list). */
  unitBatches: (program: string) => stateKey(MODULE, 'ubatches', program),
  /** The `n`-th retirement, export or cancellation of units (units.ts). */
  unitOp: (program: string, n: number) => stateKey(MODULE, 'unitop', program, String(n)),
  /** An agreement's running conversions each way and its statement count (number map, ops-interbank.ts). */
  exchangeFlow: (agreement: string) => stateKey(MODULE, 'xflow', agreement),
  /** The `n`-th inter-bank settlement statement of an agreement (interbank.ts). */
  exchangeStatement: (agreement: string, n: number) => stateKey(MODULE, 'xstmt', agreement, String(n)),
  /** A member's data authorisation of one distributor (consent.ts). */
  consent: (program: string, member: string, distributor: string) =>
    stateKey(MODULE, 'consent', program, member, distributor),
  /** The distributors a member ever authorised (string list). */
  consentList: (program: string, member: string) => stateKey(MODULE, 'consents', program, member),
  /** The breakage schedule of a program (breakage.ts). */
  breakage: (program: string) => stateKey(MODULE, 'brk', program),
  /** The areas (community / street) of a program (areas.ts). */
  areas: (program: string) => stateKey(MODULE, 'areas', program),
  /** One area's running aggregate of one period (number map, areas.ts). */
  areaAgg: (program: string, period: number, area: string) =>
    stateKey(MODULE, 'aagg', program, String(period), area),
  /** A member's pending request for an area (areas.ts). */
  areaRequest: (program: string, account: string) => stateKey(MODULE, 'areq', program, account),
  /** How many times a member's confirmed area changed (number). */
  areaMoves: (program: string, account: string) => stateKey(MODULE, 'amoves', program, account),
  /** The `n`-th change of a member's confirmed area (areas.ts). */
  areaMove: (program: string, account: string, n: number) =>
    stateKey(MODULE, 'amove', program, account, String(n)),
  /** Where a member's spending of the open period took which lots (spend-trail.ts). */
  spendTrail: (program: string, account: string) => stateKey(MODULE, 'mspend', program, account),
  /** A member's spend trail of her last closed spending period, kept when a new one starts (spend-trail.ts). */
  spendTrailClosed: (program: string, account: string) => stateKey(MODULE, 'mspendc', program, account),
  /** Money held per payable account by open disputes (number map, payable-holds.ts). */
  payableHolds: (program: string) => stateKey(MODULE, 'phold', program),
  /** The program's dispute count (number). */
  disputeCount: (program: string) => stateKey(MODULE, 'disputes', program),
  /** The `n`-th dispute of a program (dispute.ts). */
  dispute: (program: string, n: number) => stateKey(MODULE, 'disp', program, String(n)),
  /** The latest dispute of a claim (number). */
  claimDispute: (program: string, claimHex: string) => stateKey(MODULE, 'cdisp', program, claimHex),
  /** How many disputes an account has open in a program (number). */
  openDisputes: (program: string, account: string) => stateKey(MODULE, 'dopen', program, account),
  /** A catalogue item (item.ts). */
  item: (program: string, platform: string, item: string) =>
    stateKey(MODULE, 'item', program, platform, item),
  /** The catalogue: `<platform>/<item>` (string list). */
  itemList: (program: string) => stateKey(MODULE, 'items', program),
  /** A time-bank service (service.ts). */
  service: (program: string, idHex: string) => stateKey(MODULE, 'svc', program, idHex),
  /** Minutes of services a provider logged on one local day (number map `{min}`). */
  serviceDay: (program: string, provider: string, day: number) =>
    stateKey(MODULE, 'svcday', program, provider, String(day)),
  /** An exchange agreement (agreement.ts). */
  agreement: (id: string) => stateKey(MODULE, 'xchg', id),
  /** A clearing book (book.ts). */
  book: (bookId: string) => stateKey(MODULE, 'book', bookId),
  /** A closed period's record (period.ts). */
  period: (bookId: string, n: number) => stateKey(MODULE, 'period', bookId, String(n)),
  /** A settlement statement (statement.ts). */
  statement: (digestHex: string) => stateKey(MODULE, 'stmt', digestHex),
};

/** A book: the programs one clearing provider settles in one currency, with its open period. */
export function bookIdOf(p: { readonly currency: string; readonly clearing: string }): string {
  return `${p.currency}@${p.clearing}`;
}
