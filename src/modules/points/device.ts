import { type Codec, defineCodec, defineValueCodec } from '../../execution/index.js';
import { ADDR_RE, ID_RE } from './types.js';

/**
 * A measuring device of the shared registry (`dev/<device digest>`), one record for every
 * programme: the digest a claim names, the asset it measures (H of the normalised plate, VIN,
 * meter number or camera site, never the identifier itself) and — for a personal device — the
 * member it measures, who binds it by her own signature. A shared device (a camera at a crossing)
 * measures whoever passes: it has no member, and its claims are de-duplicated per person.
 */
export interface DeviceRecord {
  readonly asset: Uint8Array;
  /** The member a personal device measures ("" for a shared device). */
  readonly member: string;
  readonly shared: boolean;
  /** The distributor that registered it, and the programme whose role it registered under. */
  readonly operator: string;
  readonly program: string;
  readonly measuredBy: string;
  /** pending: waiting for the member's consent; active; released (by the member or operator). */
  readonly status: 'pending' | 'active' | 'released';
  /** Digest of the consent document the member signed when binding (zero bytes before). */
  readonly consent: Uint8Array;
  readonly registeredAt: number;
  readonly boundAt: number;
  readonly releasedAt: number;
}

const STATUSES = ['pending', 'active', 'released'] as const;

export const deviceCodec: Codec<DeviceRecord> = defineCodec<DeviceRecord>(
  'device',
  [
    'asset',
    'member',
    'shared',
    'operator',
    'program',
    'measuredBy',
    'status',
    'consent',
    'registeredAt',
    'boundAt',
    'releasedAt',
  ],
  (d) => ({
    asset: d.asset,
    member: d.member,
    shared: d.shared,
    operator: d.operator,
    program: d.program,
    measuredBy: d.measuredBy,
    status: d.status,
    consent: d.consent,
    registeredAt: d.registeredAt,
    boundAt: d.boundAt,
    releasedAt: d.releasedAt,
  }),
  (r) => ({
    asset: r.digest('asset'),
    member: r.str('member', 128, 0),
    shared: r.bool('shared'),
    operator: r.match('operator', ADDR_RE, 'an account address', 128),
    program: r.match('program', ID_RE, 'a program id', 48),
    measuredBy: r.str('measuredBy', 128),
    status: r.oneOf('status', STATUSES),
    consent: r.digest('consent'),
    registeredAt: r.uint('registeredAt'),
    boundAt: r.uint('boundAt'),
    releasedAt: r.uint('releasedAt'),
  }),
);

/** The device (hex digest) an asset is bound to: one pending or active device per asset. */
export const assetBindingCodec: Codec<string> = defineValueCodec(
  'asset binding',
  (d) => d,
  (v, fail) => (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : fail('a device digest (hex)')),
);

/** Most disjoint claimed intervals one unit may hold on one UTC day (adjacent ones merge). */
export const MAX_INTERVALS = 288;

/** Claimed intervals `[start, end)` of one de-duplication unit on one day: sorted, disjoint, merged. */
export const intervalsCodec: Codec<readonly (readonly [number, number])[]> = defineValueCodec(
  'claimed intervals',
  (list) => list.map(([a, b]) => [a, b]),
  (v, fail) => {
    if (!Array.isArray(v) || v.length > MAX_INTERVALS) return fail(`a list of ≤ ${MAX_INTERVALS} intervals`);
    let last = -1;
    return v.map((x) => {
      if (!Array.isArray(x) || x.length !== 2) return fail('[start, end] pairs');
      const [a, b] = x;
      if (typeof a !== 'number' || typeof b !== 'number' || !Number.isSafeInteger(a) || a <= last || b <= a) {
        return fail('sorted, disjoint [start, end] pairs');
      }
      last = b;
      return [a, b] as const;
    });
  },
);
