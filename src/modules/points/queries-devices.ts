import { toHex } from '../../encoding/index.js';
import { defineQuery, S } from '../../execution/index.js';
import { deviceCodec, intervalsCodec } from './device.js';
import { keys } from './keys.js';
import { found, qs } from './queries.js';
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

export const deviceQueries = { device, claimed };
