import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { DAY_MS, pointsKeys } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { addProgram, BJ_MIDNIGHT, claimArgs, digest, HOUR, T0 } from '../helpers/points-world.js';

/**
 * Issue 17, item 14's anomaly report per device: every device a claim names (registered or not)
 * is counted per period; the report lists those with more claims for one local day than the cap,
 * or whose evidence digest was submitted before (reused) or by another device (copied).
 */

const P = 'green';
const D = BJ_MIDNIGHT - 10 * DAY_MS;

type Row = {
  device: string;
  registered: boolean;
  claims: number;
  awarded: number;
  maxDay: number;
  reused: number;
  copied: number;
  reasons: string[];
};
const report = (sb: PointsSandbox, args: Record<string, string> = {}) =>
  sb.query('deviceAnomalies', { program: P, ...args }) as {
    period: number;
    maxPerDay: number;
    devices: number;
    scanned: number;
    rows: Row[];
  };
const hex = (sb: PointsSandbox, device: string) => Buffer.from(digest(sb, device)).toString('hex');

/** A 1 km walk of `who` on device `device`, hour `h` of day D (+ `day`), optionally with given evidence. */
function walk(sb: PointsSandbox, who: string, device: string, h: number, evidence?: string, day = 0): void {
  const start = D + day * DAY_MS + h * HOUR;
  const args = claimArgs(sb, P, who, 'walk', 1000, start, start + HOUR, device);
  sb.ok('dist', 'claim', evidence === undefined ? args : { ...args, evidence: digest(sb, evidence) });
}

function scene(): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P);
  sb.ok('dist', 'registerDevice', {
    program: P,
    device: digest(sb, 'cam'),
    asset: digest(sb, 'gate-3'),
    measuredBy: 'obd',
  });
  // a registered shared camera: 5 walks on one local day (alice and bob)
  for (let h = 0; h < 5; h++) walk(sb, h % 2 === 0 ? 'alice' : 'bob', 'cam', h + 1);
  // two unregistered boxes submit one evidence digest
  walk(sb, 'alice', 'box-a', 8, 'photo-1');
  walk(sb, 'bob', 'box-b', 9, 'photo-1');
  // an ordinary unregistered box, one walk on each of two days
  walk(sb, 'alice', 'box-c', 12, undefined, 0);
  walk(sb, 'alice', 'box-c', 12, undefined, 1);
  return sb;
}

describe('the anomaly report per device', () => {
  it('flags a per-day excess (registered or not) and evidence shared between devices; lists all on request', () => {
    const sb = scene();
    const r = report(sb, { maxPerDay: '3' });
    expect(r).toMatchObject({ period: 1, maxPerDay: 3, devices: 4, scanned: 4 });
    expect(r.rows).toEqual([
      {
        device: hex(sb, 'cam'),
        registered: true,
        claims: 5,
        awarded: 10,
        maxDay: 5,
        reused: 0,
        copied: 0,
        reasons: ['perDay'],
      },
      expect.objectContaining({
        device: hex(sb, 'box-a'),
        registered: false,
        copied: 1,
        reasons: ['copiedEvidence'],
      }),
      expect.objectContaining({
        device: hex(sb, 'box-b'),
        registered: false,
        reused: 1,
        reasons: ['reusedEvidence'],
      }),
    ]);
    // the default cap (24 a day) lets the camera pass; every device is listed with all
    expect(report(sb).rows.map((x) => x.device)).toEqual([hex(sb, 'box-a'), hex(sb, 'box-b')]);
    const every = report(sb, { all: 'true' }).rows;
    expect(every.map((x) => x.device)).toEqual(['cam', 'box-a', 'box-b', 'box-c'].map((d) => hex(sb, d)));
    expect(every[3]).toMatchObject({ claims: 2, maxDay: 1, reasons: [] });
    // paged
    expect(report(sb, { all: 'true', offset: '1', limit: '2' }).rows.map((x) => x.device)).toEqual([
      hex(sb, 'box-a'),
      hex(sb, 'box-b'),
    ]);
    // a new period starts empty; the closed one stays readable
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(report(sb)).toMatchObject({ period: 2, devices: 0, rows: [] });
    expect(report(sb, { period: '1', maxPerDay: '3' }).rows).toHaveLength(3);
  });

  it('the same evidence resubmitted by one device is reused; bad parameters and damaged records are refused', () => {
    const sb = scene();
    walk(sb, 'bob', 'box-c', 15, 'photo-9', 0);
    walk(sb, 'bob', 'box-c', 16, 'photo-9', 0);
    const c = report(sb).rows.find((x) => x.device === hex(sb, 'box-c'));
    expect(c).toMatchObject({ reused: 1, copied: 0, reasons: ['reusedEvidence'] });
    const code = (f: () => unknown): string => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return isGongzhiError(e) ? e.code : String(e);
      }
    };
    expect(code(() => report(sb, { maxPerDay: '0' }))).toBe('EXEC_BAD_ARGS');
    expect(code(() => report(sb, { limit: '5000' }))).toBe('EXEC_BAD_ARGS');
    expect(code(() => sb.query('deviceAnomalies', { program: 'nope' }))).toBe('POINTS_NOT_FOUND');
    sb.chain.state.set(pointsKeys.deviceAgg(P, 1, hex(sb, 'cam')), encodeCanonical({ claims: 'five' }));
    expect(code(() => report(sb))).toBe('CHAIN_INVALID');
    sb.chain.state.delete(pointsKeys.deviceAgg(P, 1, hex(sb, 'cam')));
    expect(code(() => report(sb))).toBe('CHAIN_INVALID');
  });

  it('a refused claim counts nowhere', () => {
    const sb = scene();
    const before = sb.snapshot();
    const start = D + 20 * HOUR;
    const dup = {
      ...claimArgs(sb, P, 'alice', 'walk', 1000, start, start + HOUR, 'box-c'),
      user: sb.addr('stranger'),
    };
    const r = sb.call('dist', 'claim', dup);
    expect(r.status).toBe('POINTS_NOT_MEMBER');
    expect(r.writes).toEqual([]);
    expect(sb.snapshot()).toEqual(before);
    expect(report(sb, { all: 'true' }).rows.find((x) => x.device === hex(sb, 'box-c'))?.claims).toBe(2);
  });
});
