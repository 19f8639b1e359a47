import { describe, expect, it } from 'vitest';
import { type BatchBodyLimits, BatchBodyScanner, type ScannedBatch } from '../../src/api/batch-body.js';
import { GongzhiError } from '../../src/errors/index.js';

const limits: BatchBodyLimits = { maxBytes: 1 << 20, maxEntries: 100, maxEntryChars: 64 };

/** Scan `text` cut into chunks of `size` bytes. */
function scan(text: string, size = 7, l: BatchBodyLimits = limits): ScannedBatch {
  const s = new BatchBodyScanner(l);
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) s.push(buf.subarray(i, i + size));
  return s.end();
}

function refusal(text: string, size = 7, l: BatchBodyLimits = limits): GongzhiError {
  try {
    scan(text, size, l);
  } catch (e) {
    if (e instanceof GongzhiError) return e;
    throw e;
  }
  throw new Error(`scanned ${text.slice(0, 40)}`);
}

describe('batch body scanner', () => {
  it('reads what JSON.parse reads, at every chunk size, escapes and whitespace included', () => {
    const bodies = [
      '{"txs":[]}',
      ' { "txs" : [ "AAEC" , "a-b_c" ] } \n',
      '{"txs":["x\\"y","\\u0041\\u0042","\\\\", "é€"]}',
      JSON.stringify({ txs: Array.from({ length: 50 }, (_, i) => 'Q'.repeat(i)) }),
    ];
    for (const b of bodies) {
      for (const size of [1, 2, 3, 5, 64, 1 << 16]) {
        const r = scan(b, size);
        expect(r.txs, `${b} / ${size}`).toEqual((JSON.parse(b) as { txs: string[] }).txs);
        expect(r.oversized.size).toBe(0);
      }
    }
  });

  it('refuses a nested body at its first bytes, whatever follows', () => {
    const attack = `{"txs":${'['.repeat(100_000)}`;
    const s = new BatchBodyScanner(limits);
    let err: unknown;
    try {
      s.push(Buffer.from(attack.slice(0, 16)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GongzhiError);
    expect((err as GongzhiError).code).toBe('API_BAD_REQUEST');
    expect((err as GongzhiError).details).toMatchObject({ at: 8, index: 0 });
    expect(refusal(`[${'['.repeat(1000)}`).details).toMatchObject({ at: 0 });
  });

  it('refuses every other shape with API_BAD_REQUEST and the byte it stopped at', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['{}', /field txs/],
      ['{"tx":[]}', /one field/],
      ['{"txsx":[]}', /one field/],
      ['{"txs":"x"}', /array/],
      ['{"txs":[1]}', /string/],
      ['{"txs":[{}]}', /string/],
      ['{"txs":["a",]}', /string/],
      ['{"txs":["a" "b"]}', /not valid JSON/],
      ['{"txs":[],"txs":[]}', /one field/],
      ['{"txs":[]} x', /not valid JSON/],
      ['{"txs":["a"', /not valid JSON/],
      ['{"txs":["\\x"]}', /not valid JSON/],
    ];
    for (const [body, msg] of cases) {
      const e = refusal(body);
      expect(e.code, body).toBe('API_BAD_REQUEST');
      expect(e.message, body).toMatch(msg);
    }
  });

  it('counts entries and bytes as they arrive', () => {
    const many = JSON.stringify({ txs: Array.from({ length: 101 }, () => 'A') });
    const e = refusal(many);
    expect(e.code).toBe('API_BAD_REQUEST');
    expect(e.details).toMatchObject({ max: 100 });
    // Refused at the 101st entry, not at the end.
    expect(e.details.at).toBeLessThan(many.length - 3);
    const big = refusal(JSON.stringify({ txs: ['A'.repeat(2000)] }), 512, { ...limits, maxBytes: 1000 });
    expect(big.code).toBe('API_BODY_TOO_LARGE');
  });

  it('marks an entry longer than any transaction instead of keeping it', () => {
    const r = scan(JSON.stringify({ txs: ['ok', 'B'.repeat(65), 'A'.repeat(64)] }), 5);
    expect(r.txs).toEqual(['ok', '', 'A'.repeat(64)]);
    expect([...r.oversized]).toEqual([1]);
  });
});
