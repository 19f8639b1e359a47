import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineQuery, S } from '../../execution/index.js';
import { bookCodec } from './book.js';
import { deviceCodec, intervalsCodec } from './device.js';
import { deviceHexCodec } from './device-anomaly.js';
import { bookIdOf, keys } from './keys.js';
import { disputeCountCodec } from './marks.js';
import { numMapCodec } from './num-map.js';
import { found, MAX_PAGE, programParam, qs } from './queries.js';
import { readRecord } from './stored.js';
import { DAY_MS } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;

const device = defineQuery({
  summary: 'A device of the shared registry: its asset, member, operator and status',
  args: S.Object({ device: S.Hex(32, 'digest of the device id') }),
  result: qs.obj({
    device: S.String(),
    asset: S.String(),
    member: S.String(),
    shared: S.Boolean(),
    operator: S.String(),
    program: S.String(),
    measuredBy: S.String(),
    status: S.String(),
    consent: S.String(),
    registeredAt: S.Integer(),
    boundAt: S.Integer(),
    releasedAt: S.Integer(),
  }),
  run: ({ state }, q) => {
    const hex = q.str('device', 64, HEX64, 'a 32-byte hex digest');
    const d = found(state, keys.device(hex), deviceCodec, 'device');
    return { device: hex, ...d, asset: toHex(d.asset), consent: toHex(d.consent) };
  },
});

const claimed = defineQuery({
  summary: 'Time already claimed for an asset (any device, any programme) on one UTC day',
  args: S.Object({
    asset: S.Hex(32, 'digest of the asset id'),
    day: S.UintParam('UTC day number (ms / 86,400,000)'),
  }),
  result: qs.obj({ unit: S.String(), day: S.Integer(), intervals: S.Array(S.Array(S.Integer())) }),
  run: ({ state }, q) => {
    const unit = `asset-${q.str('asset', 64, HEX64, 'a 32-byte hex digest')}`;
    const day = q.uint('day', undefined, Math.floor(Number.MAX_SAFE_INTEGER / DAY_MS));
    const list = readRecord(state, keys.dedup(unit, day), intervalsCodec) ?? [];
    return { unit, day, intervals: list.map(([a, b]) => [a, b]) };
  },
});

/** The report's default cap: more claims than this for activity on one local day is anomalous. */
export const DEFAULT_MAX_PER_DAY = 24;

/**
 * Claims per device of a period (device-anomaly.ts), registered devices or not, paged in
 * first-claim order; by default only the anomalous ones, each with its reasons: `perDay` (more
 * claims for one local day than `maxPerDay`), `reusedEvidence` (it submitted an evidence digest
 * seen before), `copiedEvidence` (another device submitted one of its evidence digests).
 */
const deviceAnomalies = defineQuery({
  summary:
    'Devices whose claims of a period look anomalous (per-day cap, reused evidence), registered or not',
  args: S.Object({
    program: qs.program(),
    period: qs.uintParam('period number (default: the open one)'),
    maxPerDay: qs.uintParam(
      `claims per device per local day before it is anomalous (default ${DEFAULT_MAX_PER_DAY})`,
    ),
    all: S.Optional(S.String({ description: '"true": list every device, anomalous or not' })),
    offset: qs.uintParam('first device, 0-based (default 0)'),
    limit: qs.uintParam(`devices scanned, ≤ ${MAX_PAGE} (default 100)`),
  }),
  result: qs.obj({
    program: S.String(),
    period: S.Integer(),
    maxPerDay: S.Integer(),
    devices: S.Integer(),
    scanned: S.Integer(),
    rows: S.Array(S.Record(S.String(), S.Unknown())),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const book = readRecord(state, keys.book(bookIdOf(p)), bookCodec);
    const period = q.uint('period', book?.period ?? 1);
    const cap = q.uint('maxPerDay', DEFAULT_MAX_PER_DAY, 1e9, 1);
    const all = q.bool('all', false);
    const total = readRecord(state, keys.deviceCount(p.id, period), disputeCountCodec) ?? 0;
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const rows: Record<string, unknown>[] = [];
    let scanned = 0;
    for (let i = offset; i < total && scanned < limit; i++, scanned++) {
      // the count says the entry exists: a missing one is damaged state, never a default
      const hex = readRecord(state, keys.deviceAt(p.id, period, i), deviceHexCodec);
      const a =
        hex === undefined ? undefined : readRecord(state, keys.deviceAgg(p.id, period, hex), numMapCodec);
      if (hex === undefined || a === undefined) {
        throw new GongzhiError('CHAIN_INVALID', 'a device index entry or its aggregate is missing', { i });
      }
      const reasons: string[] = [];
      if ((a.maxDay ?? 0) > cap) reasons.push('perDay');
      if ((a.reused ?? 0) > 0) reasons.push('reusedEvidence');
      if ((a.copied ?? 0) > 0) reasons.push('copiedEvidence');
      if (!all && reasons.length === 0) continue;
      rows.push({
        device: hex,
        registered: state.get(keys.device(hex)) !== undefined,
        claims: a.claims ?? 0,
        awarded: a.awarded ?? 0,
        maxDay: a.maxDay ?? 0,
        reused: a.reused ?? 0,
        copied: a.copied ?? 0,
        reasons,
      });
    }
    return { program: p.id, period, maxPerDay: cap, devices: total, scanned, rows };
  },
});

export const deviceQueries = { device, claimed, deviceAnomalies };
