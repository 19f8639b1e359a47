import { describe, expect, it } from 'vitest';
import { encodeCanonical, toHex } from '../../src/encoding/index.js';
import { decodeSignature, encodeSignature } from '../../src/node/finality.js';

const base = {
  height: 7,
  hash: new Uint8Array(32).fill(1),
  node: 'org0-node',
  sig: new Uint8Array(64).fill(2),
};

describe('block signature messages (NATS signature stream)', () => {
  it('a plain signature encodes as the four-field map nodes have always sent; a repair adds its round', () => {
    expect(toHex(encodeSignature(base))).toBe(
      toHex(encodeCanonical({ height: 7, hash: base.hash, node: 'org0-node', sig: base.sig })),
    );
    expect(decodeSignature(encodeSignature(base))).toEqual(base);
    const repair = { ...base, repair: 3 };
    expect(decodeSignature(encodeSignature(repair))).toEqual(repair);
    expect(encodeSignature(repair).length).toBeGreaterThan(encodeSignature(base).length);
  });

  it('anything else is not a signature message', () => {
    const bad: Record<string, unknown>[] = [
      { ...base, extra: 1 },
      { ...base, height: 0 },
      { ...base, repair: 0 },
      { ...base, repair: 'x' },
      { ...base, node: 5 },
      { height: 7, hash: base.hash, node: 'org0-node' },
    ];
    for (const v of bad)
      expect(decodeSignature(encodeCanonical(v as Parameters<typeof encodeCanonical>[0]))).toBeUndefined();
    expect(decodeSignature(new Uint8Array([0xff, 0x00]))).toBeUndefined();
  });
});
