import { describe, expect, it } from 'vitest';
import { benchPoints } from '../../src/bench/points.js';
import { benchPointsAwardsCpu } from '../../src/bench/points-awards-cpu.js';

describe('points benchmark (small run)', () => {
  it('measures awards, transfers and a period settlement, with balanced books', async () => {
    const r = await benchPoints({ users: 40, postings: 5000, batch: 20 });
    expect(r.users).toBe(40);
    for (const k of [
      'joinsPerSec',
      'awardsPerSec',
      'transfersPerSec',
      'fillLinesPerSec',
      'closeMs',
      'peakRssMb',
    ]) {
      expect(r[k], k).toBeGreaterThan(0);
    }
    // rounds of 500 users: award (2 lines) + redemption (4) + expiry (4), plus the setup's postings
    expect(r.settlementLines).toBeGreaterThanOrEqual(5000);
    expect(r.closePairs).toBeGreaterThan(0);
    expect(r.closeStatements).toBe((r.closePairs ?? 0) + 1);
  }, 120_000);
});

describe('points awards CPU benchmark (small run)', () => {
  it('awards every claim plain, with the round-2 checks on, and with members in areas', () => {
    const r = benchPointsAwardsCpu({ users: 20, per: 2, rounds: 1 });
    expect(r.awards).toBe(40);
    expect(r.plainPerCpuSec).toBeGreaterThan(0);
    expect(r.strictPerCpuSec).toBeGreaterThan(0);
    // item 14: members in areas (each award also updates its area's aggregate)
    expect(r.areasPerCpuSec).toBeGreaterThan(0);
  });
});
