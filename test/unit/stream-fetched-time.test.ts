import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fetched } from '../../src/ordering/index.js';

/** Go's RFC3339Nano in UTC, as nats-server writes a stored message's time: fraction zeros trimmed. */
function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const whole = new Date(ms - (ms % 1000)).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}Z`;
}

const stored = (seq: number, timestamp: string) => ({ seq, timestamp, data: new Uint8Array([1, 2]) });

describe('a message read by sequence gets the timestamp a consumer would have given it', () => {
  it('equals the ack subject’s nanoseconds, parsed as a number and divided by 10^6', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 2_100_000_000_000_000_000n }), (ns) => {
        const viaConsumer = Number.parseInt(ns.toString(), 10) / 1_000_000;
        const r = fetched(stored(7, rfc3339Nano(ns)));
        expect(Math.floor(r.timestampMs)).toBe(Math.floor(viaConsumer));
        expect(r.timestampMs).toBe(viaConsumer);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps sequence and data, says nothing is pending, and refuses a time it cannot read', () => {
    const r = fetched(stored(42, '2026-12-01T18:00:00.5Z'));
    expect(r).toMatchObject({ seq: 42, pending: 0, timestampMs: Date.parse('2026-12-01T18:00:00.500Z') });
    expect(() => fetched(stored(1, '2026-12-01T18:00:00.5+08:00'))).toThrow(/unexpected stream time/);
    expect(() => fetched(stored(1, 'yesterday'))).toThrow(/unexpected stream time/);
  });
});
