import { type Codec, defineCodec, defineValueCodec } from '../../execution/index.js';
import { ADDR_RE } from './types.js';

/**
 * The module's small records: who granted a role, a freeze mark, a listed relationship, a
 * device's claim high-water mark and the member index. Each has one strict codec.
 */

/** A role grant under `role/<program>/<role>/<account>`. */
export interface RoleGrant {
  readonly since: number;
  readonly by: string;
}

export const roleGrantCodec: Codec<RoleGrant> = defineCodec<RoleGrant>(
  'role grant',
  ['since', 'by'],
  (g) => ({ since: g.since, by: g.by }),
  (r) => ({ since: r.uint('since'), by: r.str('by', 128) }),
);

/** A freeze of one account in a program, under `frozen/<program>/<account>`. */
export interface FreezeMark {
  readonly by: string;
  readonly height: number;
  readonly reason: string;
}

export const freezeMarkCodec: Codec<FreezeMark> = defineCodec<FreezeMark>(
  'freeze mark',
  ['by', 'height', 'reason'],
  (f) => ({ by: f.by, height: f.height, reason: f.reason }),
  (r) => ({ by: r.str('by', 128), height: r.uint('height'), reason: r.str('reason', 256) }),
);

const uintRecord = (what: string): Codec<number> =>
  defineValueCodec(
    what,
    (n) => n,
    (v, fail) =>
      typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail('an unsigned integer'),
  );

/** A listed relationship: the height it was listed at. */
export const relationCodec: Codec<number> = uintRecord('relationship');

/** Points of quota a sponsor consented to back for one distributor (what is left of it). */
export const allowanceCodec: Codec<number> = uintRecord('quota allowance');

/** A sponsor's signature backing one side of an exchange agreement: the height it signed at. */
export const backingCodec: Codec<number> = uintRecord('exchange backing');

/** How far (periodEnd, ms) a device has claimed one activity kind. */
export const highWaterCodec: Codec<number> = uintRecord('claim high-water mark');

/** The account that joined `index`-th. */
export const memberEntryCodec: Codec<string> = defineValueCodec(
  'member entry',
  (a) => a,
  (v, fail) => (typeof v === 'string' && ADDR_RE.test(v) ? v : fail('an account address')),
);

/** A program's dispute count, a claim's latest dispute number, an account's open disputes (dispute.ts). */
export const disputeCountCodec: Codec<number> = uintRecord('dispute count');

/** How many times a member's confirmed area changed (areas.ts). */
export const areaMoveCountCodec: Codec<number> = uintRecord('area move count');
