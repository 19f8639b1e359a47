import { readFileSync } from 'node:fs';
import { encode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  encodeWithCborg,
  fromHex,
  toHex,
} from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';

interface Vectors {
  valid: { value: unknown; hex: string }[];
  invalid: { hex: string; why: string }[];
}
const vectors = JSON.parse(readFileSync(new URL('../vectors/cbor.json', import.meta.url), 'utf8')) as Vectors;

function fromJson(v: unknown): CborValue {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bytes === 'string') return fromHex(o.$bytes);
    if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJson(x)]));
  }
  return v as CborValue;
}

describe('canonical CBOR', () => {
  it.each(vectors.valid)('encodes $hex', ({ value, hex }) => {
    const v = fromJson(value);
    expect(toHex(encodeCanonical(v))).toBe(hex);
    expect(toHex(encodeCanonical(decodeCanonical(fromHex(hex))))).toBe(hex);
  });

  it.each(vectors.invalid)('rejects $hex ($why)', ({ hex }) => {
    let err: unknown;
    try {
      decodeCanonical(fromHex(hex));
    } catch (e) {
      err = e;
    }
    expect(isGongzhiError(err)).toBe(true);
    expect(['ENCODING_INVALID', 'ENCODING_NON_CANONICAL']).toContain((err as { code: string }).code);
  });

  it('refuses a "__proto__" key, which cannot survive decoding into an object', () => {
    const v = JSON.parse('{"__proto__": 1}') as CborValue;
    expect(() => encodeCanonical(v)).toThrow(/__proto__/);
    // {"__proto__": 1} encoded by hand: decoding must reject, not silently drop the key
    const bytes = fromHex('a1695f5f70726f746f5f5f01');
    expect(() => decodeCanonical(bytes)).toThrow();
  });

  it('refuses to encode floats, undefined and class instances', () => {
    for (const bad of [1.5, Number.NaN, { a: undefined }, new Date(0), [1, 0.1]]) {
      expect(() => encodeCanonical(bad as unknown as CborValue)).toThrow(
        /integers|undefined|plain|encodable/,
      );
    }
  });

  it('names the path of the value it refuses, and a refusal leaves no trace in the next encoding', () => {
    const pathOfError = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return isGongzhiError(e) ? [e.code, e.details.path] : e;
      }
      return 'no error';
    };
    const nested = { a: [1, { b: [true, 1.5] }] } as unknown as CborValue;
    expect(pathOfError(() => encodeCanonical(nested))).toEqual(['ENCODING_UNSUPPORTED_TYPE', '$.a[1].b[1]']);
    const undef = { x: { y: undefined } } as unknown as CborValue;
    expect(pathOfError(() => encodeCanonical(undef))).toEqual(['ENCODING_UNSUPPORTED_TYPE', '$.x.y']);
    // The failed encoding above stopped deep inside a value: the next one starts from the root.
    expect(pathOfError(() => encodeCanonical([[0.5]] as unknown as CborValue))).toEqual([
      'ENCODING_UNSUPPORTED_TYPE',
      '$[0][0]',
    ]);
    expect(toHex(encodeCanonical({ ok: [1] }))).toBe('a1626f6b8101');
    // A float in decoded input is refused at its path (cborg encodes it, we must not accept it).
    const withFloat = encode({ a: [1, { b: 2.5 }] });
    expect(pathOfError(() => decodeCanonical(withFloat))).toEqual(['ENCODING_NON_CANONICAL', '$.a[1].b']);
  });

  it('sorts maps of any size as the cborg RFC 8949 encoder does (both sort paths)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 30 }).filter((k) => k !== '__proto__'),
          fc.oneof(fc.integer(), fc.string({ maxLength: 4 })),
          { minKeys: 0, maxKeys: 90 },
        ),
        (d) => {
          expect(toHex(encodeCanonical(d))).toBe(toHex(encodeWithCborg(d)));
          const reversed = Object.fromEntries(Object.entries(d).reverse());
          expect(toHex(encodeCanonical(reversed))).toBe(toHex(encodeCanonical(d)));
        },
      ),
      { numRuns: 300 },
    );
  });

  const ledgerValue: fc.Arbitrary<CborValue> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.maxSafeInteger(),
      fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }).filter((b) => b < -(2n ** 53n) || b > 2n ** 53n),
      fc.string(),
      fc.uint8Array({ maxLength: 40 }),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(
        fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
        tie('value'),
        { maxKeys: 5 },
      ),
    ),
  })).value as fc.Arbitrary<CborValue>;

  it('round-trips any ledger value and its encoding is a fixed point', () => {
    fc.assert(
      fc.property(ledgerValue, (v) => {
        const bytes = encodeCanonical(v);
        const back = decodeCanonical(bytes);
        expect(toHex(encodeCanonical(back))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('our encoder produces exactly what the cborg RFC 8949 encoder produces', () => {
    fc.assert(
      fc.property(ledgerValue, (v) => {
        expect(toHex(encodeCanonical(v))).toBe(toHex(encodeWithCborg(v)));
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects any encoding with a byte appended', () => {
    fc.assert(
      fc.property(ledgerValue, fc.integer({ min: 0, max: 255 }), (v, extra) => {
        const bytes = encodeCanonical(v);
        const longer = new Uint8Array([...bytes, extra]);
        expect(() => decodeCanonical(longer)).toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('map key order does not depend on insertion order', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 30 }).filter((k) => k !== '__proto__'),
          fc.integer(),
          { maxKeys: 8 },
        ),
        (d) => {
          const reversed = Object.fromEntries(Object.entries(d).reverse());
          expect(toHex(encodeCanonical(reversed))).toBe(toHex(encodeCanonical(d)));
        },
      ),
    );
  });
});
