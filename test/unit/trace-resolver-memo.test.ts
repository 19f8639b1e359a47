import { describe, expect, it } from 'vitest';
import { ReadSetMemo } from '../../src/api/routes/read-set-memo.js';
import { getSuite } from '../../src/crypto/index.js';
import { encodeCanonical } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';
import { decodeTx } from '../../src/ledger/index.js';
import { ScanRecorder } from '../../src/node/trace-scans.js';
import { MapSource, StateOverlay, type StateReader } from '../../src/state/index.js';

/**
 * The resolver's two helpers: answers remembered with the state they read (valid exactly while
 * those keys hold the same bytes), and consumer scans recorded by the node (once per client,
 * serial and place in a window; a bounded number per minute).
 */
describe('ReadSetMemo', () => {
  const setup = () => {
    const map = new Map<string, Uint8Array>([
      ['a', encodeCanonical(1)],
      ['b', encodeCanonical(2)],
      ['scans', encodeCanonical(0)],
    ]);
    const state = () => new StateOverlay(new MapSource(map));
    let runs = 0;
    const sum = (s: StateReader) => {
      runs++;
      return [s.get('a'), s.get('b'), s.get('scans'), s.get('absent')];
    };
    return { map, state, sum, runs: () => runs };
  };

  it('answers again without computing while every key read holds the same bytes', () => {
    const { state, sum, runs } = setup();
    const memo = new ReadSetMemo<unknown>();
    expect(memo.get('x', state(), sum)).toEqual([1, 2, 0, undefined]);
    expect(memo.get('x', state(), sum)).toEqual([1, 2, 0, undefined]);
    expect(runs()).toBe(1);
  });

  it('computes again when a key it read changes, appears or goes — not for a fresh key', () => {
    const { map, state, sum, runs } = setup();
    const memo = new ReadSetMemo<unknown>();
    const fresh = (k: string) => k === 'scans';
    memo.get('x', state(), sum, fresh);
    map.set('scans', encodeCanonical(5));
    memo.get('x', state(), sum, fresh);
    expect(runs()).toBe(1);
    map.set('b', encodeCanonical(3));
    expect(memo.get('x', state(), sum, fresh)).toEqual([1, 3, 5, undefined]);
    map.set('absent', encodeCanonical('now here'));
    expect(memo.get('x', state(), sum, fresh)).toEqual([1, 3, 5, 'now here']);
    map.delete('a');
    expect(memo.get('x', state(), sum, fresh)).toEqual([undefined, 3, 5, 'now here']);
    expect(runs()).toBe(4);
  });

  it('keeps at most `max` answers, the oldest dropped', () => {
    const { state, sum, runs } = setup();
    const memo = new ReadSetMemo<unknown>(2);
    for (const id of ['x', 'y', 'z']) memo.get(id, state(), sum);
    expect(memo.size).toBe(2);
    memo.get('x', state(), sum);
    expect(runs()).toBe(4);
  });
});

describe('ScanRecorder', () => {
  const suite = getSuite('ed25519');
  const key = suite.generateKeyPair();
  const serial = '01/06901234000019/21/0001';
  const setup = (o: { refuse?: boolean; maxPerMinute?: number } = {}) => {
    let now = 1_000_000;
    const sent: Uint8Array[] = [];
    const group = {
      suite,
      chain: 'longjing',
      group: 'main',
      latest: { height: 7 },
      submit: async (txs: readonly Uint8Array[]) => {
        sent.push(...txs);
        return txs.map((_, i) =>
          o.refuse
            ? { error: new GongzhiError('EXEC_PERMISSION_DENIED', 'no role') }
            : { hash: `h${sent.length + i}` },
        );
      },
    };
    const r = new ScanRecorder(group, key, {
      now: () => now,
      windowMs: 1000,
      ...(o.maxPerMinute === undefined ? {} : { maxPerMinute: o.maxPerMinute }),
    });
    return { r, sent, tick: (ms: number) => (now += ms) };
  };

  it('signs one trace.scan per client, serial and place in the window', async () => {
    const { r, sent, tick } = setup();
    expect((await r.record(serial, '杭州 Hangzhou', '10.0.0.1')).status).toBe('submitted');
    expect(await r.record(serial, '杭州 Hangzhou', '10.0.0.1')).toEqual({ status: 'repeat' });
    expect((await r.record(serial, '上海 Shanghai', '10.0.0.1')).status).toBe('submitted');
    expect((await r.record(serial, undefined, '10.0.0.2')).status).toBe('submitted');
    tick(1000);
    expect((await r.record(serial, '杭州 Hangzhou', '10.0.0.1')).status).toBe('submitted');
    expect(sent).toHaveLength(4);
    const body = decodeTx(sent[0] as Uint8Array).body;
    expect(body).toMatchObject({
      module: 'trace',
      method: 'scan',
      args: { key: serial, place: '杭州 Hangzhou' },
    });
    expect(decodeTx(sent[2] as Uint8Array).body.args).toEqual({ key: serial });
    expect(new Set(sent.map((t) => decodeTx(t).body.nonce)).size).toBe(4);
  });

  it('records at most maxPerMinute; a refusal at admission is reported and not remembered', async () => {
    const busy = setup({ maxPerMinute: 1 });
    expect((await busy.r.record(serial, 'a', 'c1')).status).toBe('submitted');
    expect(await busy.r.record(serial, 'b', 'c1')).toEqual({ status: 'busy' });
    busy.tick(60_000);
    expect((await busy.r.record(serial, 'b', 'c1')).status).toBe('submitted');
    const refused = setup({ refuse: true });
    expect(await refused.r.record(serial, 'a', 'c1')).toEqual({
      status: 'refused',
      code: 'EXEC_PERMISSION_DENIED',
    });
    expect(await refused.r.record(serial, 'a', 'c1')).toEqual({
      status: 'refused',
      code: 'EXEC_PERMISSION_DENIED',
    });
  });
});
