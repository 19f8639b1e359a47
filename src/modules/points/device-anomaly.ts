import { type Codec, defineValueCodec } from '../../execution/index.js';
import type { PendingState } from './effects.js';
import { keys } from './keys.js';
import { disputeCountCodec } from './marks.js';
import { type NumMap, numMapCodec } from './num-map.js';

/**
 * Claims per device (issue 17, item 14's anomaly reports), for every device a claim names —
 * registered in the shared registry or not: the de-duplication index only sees registered ones,
 * the award evidence names them all. Kept as running aggregates at award time (the report never
 * scans claims):
 * - `devagg/<program>/<period>/<device>` (number map): `claims` and `awarded` points of the period,
 *   `d:<local day>` claims for activity on that local day (of the claim's start), `maxDay` the most
 *   on one day, `reused` claims of this device whose evidence digest had been submitted before (by
 *   it or another device), `copied` later claims of other devices with this device's evidence;
 * - the period's devices in first-claim order (`devn/<program>/<period>` count,
 *   `devi/<program>/<period>/<i>` device hex), so the report pages over them;
 * - `evid/<program>/<evidence hex>`: the device that first submitted an evidence digest.
 * The rule (deviceAnomalies query): a device is anomalous in a period when `maxDay` exceeds the
 * report's cap per local day, or `reused` or `copied` is non-zero. Deterministic integers only.
 */

const HEX64 = /^[0-9a-f]{64}$/;

/** A device digest as hex (an index entry, the first submitter of an evidence digest). */
export const deviceHexCodec: Codec<string> = defineValueCodec(
  'device hex',
  (h) => h,
  (v, fail) => (typeof v === 'string' && HEX64.test(v) ? v : fail('a 32-byte hex digest')),
);

export interface DeviceClaim {
  readonly deviceHex: string;
  readonly evidenceHex: string;
  /** Local day of the claimed activity's start. */
  readonly day: number;
  readonly points: number;
}

function bump(m: NumMap, field: string, by: number): Record<string, number> {
  return { ...m, [field]: (m[field] ?? 0) + by };
}

/** The device's aggregate of the period, indexing the device on its first claim of the period. */
function aggOf(store: PendingState, program: string, period: number, device: string): NumMap {
  const agg = store.read(keys.deviceAgg(program, period, device), numMapCodec);
  if (agg !== undefined) return agg;
  const n = store.read(keys.deviceCount(program, period), disputeCountCodec) ?? 0;
  store.write(keys.deviceAt(program, period, n), deviceHexCodec, device);
  store.write(keys.deviceCount(program, period), disputeCountCodec, n + 1);
  return {};
}

/** Add an awarded (or fully capped) claim to its device's aggregate of the open period. */
export function noteDeviceClaim(store: PendingState, program: string, period: number, c: DeviceClaim): void {
  let agg = bump(aggOf(store, program, period, c.deviceHex), 'claims', 1);
  agg = bump(agg, 'awarded', c.points);
  const day = `d:${c.day}`;
  agg = bump(agg, day, 1);
  agg.maxDay = Math.max(agg.maxDay ?? 0, agg[day] ?? 0);
  const evKey = keys.evidenceDevice(program, c.evidenceHex);
  const first = store.read(evKey, deviceHexCodec);
  if (first === undefined) store.write(evKey, deviceHexCodec, c.deviceHex);
  else {
    agg = bump(agg, 'reused', 1);
    if (first !== c.deviceHex) {
      const other = aggOf(store, program, period, first);
      store.write(keys.deviceAgg(program, period, first), numMapCodec, bump(other, 'copied', 1));
    }
  }
  store.write(keys.deviceAgg(program, period, c.deviceHex), numMapCodec, agg);
}
