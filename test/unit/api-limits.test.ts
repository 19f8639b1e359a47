import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/api/rate-limit.js';
import { GongzhiError } from '../../src/errors/index.js';
import { DEFAULT_API_LIMITS, resolveApiLimits } from '../../src/node/config.js';

function configCode(given: unknown): string | undefined {
  try {
    resolveApiLimits(given, 'node.json');
  } catch (e) {
    return e instanceof GongzhiError ? e.code : 'other';
  }
  return undefined;
}

describe('API limits in the node config', () => {
  it('fills the defaults and takes what is given', () => {
    expect(resolveApiLimits()).toEqual(DEFAULT_API_LIMITS);
    const l = resolveApiLimits({ maxStreams: 3, ratePerSecond: 0 });
    expect(l).toEqual({ ...DEFAULT_API_LIMITS, maxStreams: 3, ratePerSecond: 0 });
  });

  it('refuses unknown fields and non-integers with CONFIG_INVALID', () => {
    for (const bad of [[], 'x', { nope: 1 }, { maxStreams: 0 }, { maxStreams: 1.5 }, { rateBurst: '9' }]) {
      expect(configCode(bad), JSON.stringify(bad)).toBe('CONFIG_INVALID');
    }
  });
});

describe('per-client rate limiter', () => {
  it('allows a burst, then one request per 1/rate seconds, per client', () => {
    let t = 0;
    const r = new RateLimiter(2, 3, () => t);
    expect([r.take('a'), r.take('a'), r.take('a')]).toEqual([0, 0, 0]);
    expect(r.take('a')).toBe(500);
    expect(r.take('b')).toBe(0);
    t = 500;
    expect(r.take('a')).toBe(0);
    expect(r.take('a')).toBeGreaterThan(0);
    expect(new RateLimiter(0, 1).take('a')).toBe(0);
  });
});
