import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo tea', () => {
  it('a West Lake season on the ledger; counterfeit and over-capacity batches refused; a cloned code flagged', async () => {
    const demo = findDemo('tea');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-tea-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(r.recorded).toBe(7);
      expect(r.stored).toBe(7);
      expect(r.counterfeit).toBe('TRACE_UNKNOWN_ORIGIN');
      expect(r.overCapacity).toBe('TRACE_OVER_CAPACITY');
      expect(r.flagged).toBe(true);
      expect(r.places).toEqual(['杭州 Hangzhou', '上海 Shanghai', '北京 Beijing', '广州 Guangzhou']);
      expect(r.traceEvents).toBe(7);
      expect(r.verified).toBe(7);
      expect(r.gardens).toEqual(['shifeng-01']);
      expect(steps.join('\n')).toMatch(/flagged as a cloned code/);
    } finally {
      tmp.remove();
    }
  });
});
