import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { readAddr, readId, schemas } from './args.js';
import {
  assetBindingCodec,
  type DeviceRecord,
  deviceCodec,
  intervalsCodec,
  MAX_INTERVALS,
} from './device.js';
import type { PendingState } from './effects.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { DAY_MS, type Program } from './types.js';

/**
 * The shared device registry and its de-duplication index (issue 17, item 2). A reduction is
 * counted once whatever programme or device digest claims it: a personal device's claims are
 * indexed by its ASSET (the car, not the box in it), so a new digest for the same car, or the same
 * car in a second programme, finds the time already claimed; a shared device's (a camera's) are
 * indexed by the PERSON and activity kind, so one camera records simultaneous acts of different
 * people while one person's act is counted once across every camera and programme.
 */

const ZERO = new Uint8Array(32);

function deviceOf(env: Env, deviceHex: string): DeviceRecord {
  const d = env.read(keys.device(deviceHex), deviceCodec);
  if (d === undefined) {
    throw new GongzhiError('POINTS_NOT_FOUND', 'no such device in the registry', { device: deviceHex });
  }
  return d;
}

interface RegisterArgs {
  readonly program: string;
  readonly device: Uint8Array;
  readonly asset: Uint8Array;
  readonly measuredBy: string;
  readonly member?: string;
}

/**
 * A distributor registers a device for an asset. With `member` it is a personal device, pending
 * until that member binds it (her signature is her consent); without, a shared device, active at
 * once. One device per asset at a time (POINTS_DEVICE_CONFLICT): replacing a box means releasing
 * the old one first, and the asset's claimed time stays claimed.
 */
const registerDevice = pointsMethod<RegisterArgs>({
  summary: 'Register a measuring device for an asset (personal: for a member who binds it; shared: a camera)',
  args: S.Object(
    {
      program: schemas.id('the programme whose distributor registers it'),
      device: schemas.digest('digest of the device id (what claims name)'),
      asset: schemas.digest('digest of the normalised asset id: plate, VIN, meter no., camera site'),
      measuredBy: S.String({ minLength: 1, maxLength: 128, description: 'device model / data source' }),
      member: S.Optional(schemas.addr('the member a personal device measures (absent: shared device)')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'device', 'asset', 'measuredBy', 'member']);
    return {
      program: readId(a, 'program'),
      device: a.digest('device'),
      asset: a.digest('asset'),
      measuredBy: a.str('measuredBy', 128),
      ...(a.has('member') ? { member: readAddr(a, 'member') } : {}),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'distributor');
    const deviceHex = toHex(a.device);
    if (env.has(keys.device(deviceHex))) {
      throw new GongzhiError('POINTS_EXISTS', 'this device digest is registered already', {
        device: deviceHex,
      });
    }
    const assetHex = toHex(a.asset);
    const bound = env.read(keys.asset(assetHex), assetBindingCodec);
    if (bound !== undefined) {
      throw new GongzhiError(
        'POINTS_DEVICE_CONFLICT',
        'the asset is bound to another device: release it first',
        {
          asset: assetHex,
          device: bound,
        },
      );
    }
    if (a.member !== undefined) env.requireMember(p, a.member);
    env.write(keys.device(deviceHex), deviceCodec, {
      asset: a.asset,
      member: a.member ?? '',
      shared: a.member === undefined,
      operator: env.sender,
      program: p.id,
      measuredBy: a.measuredBy,
      status: a.member === undefined ? 'active' : 'pending',
      consent: ZERO,
      registeredAt: env.height,
      boundAt: a.member === undefined ? env.height : 0,
      releasedAt: 0,
    });
    env.write(keys.asset(assetHex), assetBindingCodec, deviceHex);
    env.emit('deviceRegistered', {
      device: a.device,
      asset: a.asset,
      member: a.member ?? '',
      operator: env.sender,
      program: p.id,
    });
  },
});

const deviceArgs = S.Object(
  {
    device: schemas.digest('digest of the device id'),
    consent: schemas.digest('digest of the consent document'),
  },
  { additionalProperties: false },
);

/** The member binds a personal device registered for her: her signature is the consent. */
const bindDevice = pointsMethod<{ device: Uint8Array; consent: Uint8Array }>({
  summary: 'Bind a personal device registered for you, recording the digest of your consent (the member)',
  args: deviceArgs,
  parse: (v) => {
    const a = readArgs(v, ['device', 'consent']);
    return { device: a.digest('device'), consent: a.digest('consent') };
  },
  run: (env, a) => {
    const deviceHex = toHex(a.device);
    const d = deviceOf(env, deviceHex);
    if (d.shared || d.member !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the member the device was registered for binds it', {
        device: deviceHex,
      });
    }
    if (d.status !== 'pending') {
      throw new GongzhiError('POINTS_INVALID_STATE', `the device is ${d.status}`, { device: deviceHex });
    }
    env.write(keys.device(deviceHex), deviceCodec, {
      ...d,
      status: 'active',
      consent: a.consent,
      boundAt: env.height,
    });
    env.emit('deviceBound', { device: a.device, member: env.sender, consent: a.consent });
  },
});

/** The member (withdrawing consent) or the operator releases a device; the asset may bind another. */
const releaseDevice = pointsMethod<{ device: Uint8Array }>({
  summary: 'Release a device (its member or operator); its asset’s claimed time stays claimed',
  args: S.Object({ device: schemas.digest('digest of the device id') }, { additionalProperties: false }),
  parse: (v) => ({ device: readArgs(v, ['device']).digest('device') }),
  run: (env, a) => {
    const deviceHex = toHex(a.device);
    const d = deviceOf(env, deviceHex);
    if (env.sender !== d.operator && env.sender !== d.member) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the device’s member or operator releases it', {
        device: deviceHex,
      });
    }
    if (d.status === 'released') {
      throw new GongzhiError('POINTS_INVALID_STATE', 'the device is released already', { device: deviceHex });
    }
    env.write(keys.device(deviceHex), deviceCodec, { ...d, status: 'released', releasedAt: env.height });
    env.delete(keys.asset(toHex(d.asset)));
    env.emit('deviceReleased', { device: a.device, by: env.sender });
  },
});

export const deviceMethods = { registerDevice, bindDevice, releaseDevice };

/**
 * The de-duplication unit of a claim, or undefined when the device is not in the registry and the
 * programme does not require it. Refuses a device that is unregistered (where required), pending
 * its member's consent, released, or bound to another member.
 */
export function dedupUnit(
  env: Env,
  p: Program,
  a: { readonly device: Uint8Array; readonly user: string; readonly kind: string },
  deviceHex: string,
): string | undefined {
  const d = env.read(keys.device(deviceHex), deviceCodec);
  if (d === undefined) {
    if (!p.registeredDevices) return undefined;
    throw new GongzhiError(
      'POINTS_DEVICE_UNREGISTERED',
      'this programme takes claims from registered devices only',
      {
        program: p.id,
        device: deviceHex,
      },
    );
  }
  if (d.status === 'pending') {
    throw new GongzhiError('POINTS_NO_CONSENT', 'the member has not bound this device yet (bindDevice)', {
      device: deviceHex,
      member: d.member,
    });
  }
  if (d.status === 'released') {
    throw new GongzhiError('POINTS_DEVICE_UNREGISTERED', 'this device was released', { device: deviceHex });
  }
  if (d.shared) return `person-${a.user}-${a.kind}`;
  if (d.member !== a.user) {
    throw new GongzhiError('POINTS_DEVICE_CONFLICT', 'this device measures another member', {
      device: deviceHex,
      user: a.user,
    });
  }
  return `asset-${toHex(d.asset)}`;
}

/**
 * Record `[start, end)` as claimed for `unit` (UTC day buckets: the index is shared by programmes
 * in any time zone). POINTS_DUPLICATE_CLAIM when any of it was claimed before, by any programme.
 */
export function addClaimedInterval(store: PendingState, unit: string, start: number, end: number): void {
  for (let day = Math.floor(start / DAY_MS); day * DAY_MS < end; day++) {
    const from = Math.max(start, day * DAY_MS);
    const to = Math.min(end, (day + 1) * DAY_MS);
    const key = keys.dedup(unit, day);
    const list = store.read(key, intervalsCodec) ?? [];
    const out: (readonly [number, number])[] = [];
    let lo = from;
    let hi = to;
    for (const [s, e] of list) {
      if (s < to && from < e) {
        throw new GongzhiError(
          'POINTS_DUPLICATE_CLAIM',
          'this time was claimed already for the same asset or person',
          {
            unit,
            periodStart: start,
            periodEnd: end,
            claimedFrom: s,
            claimedUntil: e,
          },
        );
      }
      if (e === from || s === to) {
        // adjacent: merge, so a day of back-to-back claims keeps one interval
        lo = Math.min(lo, s);
        hi = Math.max(hi, e);
      } else out.push([s, e]);
    }
    out.push([lo, hi]);
    out.sort((x, y) => x[0] - y[0]);
    if (out.length > MAX_INTERVALS) {
      throw new GongzhiError(
        'POINTS_LIMIT',
        `at most ${MAX_INTERVALS} separate claimed intervals per unit and day`,
        {
          unit,
          day,
        },
      );
    }
    store.write(key, intervalsCodec, out);
  }
}
