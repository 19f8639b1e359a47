import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetched, StreamReader, type StreamRecord } from '../../src/ordering/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { NatsCluster, natsServerAvailable } from '../helpers/nats-cluster.js';

const until = async (cond: () => boolean, ms: number, what: string) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!natsServerAvailable())('StreamReader on a real JetStream server', () => {
  const tmp = tempDir('gongzhi-reader-');
  const cluster = new NatsCluster(tmp.dir, 1);
  let nc: NatsConnection;

  beforeAll(async () => {
    await cluster.start();
    nc = await connect({ servers: cluster.urls });
    const t0 = Date.now();
    for (;;) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 2000, checkAPI: false });
        await jsm.streams.add({ name: 'R', subjects: ['r'] });
        break;
      } catch (e) {
        if (Date.now() - t0 > 20_000) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }, 40_000);

  afterAll(async () => {
    await nc?.close();
    await cluster.stop();
    tmp.remove();
  }, 30_000);

  it('hands on every message in order; one deleted from the stream is passed over and logged', async () => {
    const jsm = await jetstreamManager(nc);
    for (let i = 1; i <= 6; i++) await nc.request('r', new Uint8Array([i]), { timeout: 5000 });
    await jsm.streams.deleteMessage('R', 4);
    const got: StreamRecord[] = [];
    const logged: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(line) });
    const reader = new StreamReader(nc, 'R', 1, logger);
    reader.start((m) => {
      got.push(m);
    });
    try {
      await until(() => got.length === 5, 15_000, 'five messages');
      expect(got.map((m) => m.seq)).toEqual([1, 2, 3, 5, 6]);
      expect(got.map((m) => m.data[0])).toEqual([1, 2, 3, 5, 6]);
      expect(logged.join('')).toMatch(/stream sequence gap/);
      expect(logged.join('')).toMatch(/gone from the stream/);
      // A message read by sequence carries the timestamp its delivery carried.
      const two = got[1] as StreamRecord;
      const direct = await jsm.streams.getMessage('R', { seq: 2 });
      expect(direct).not.toBeNull();
      if (direct) expect(fetched(direct).timestampMs).toBe(two.timestampMs);
    } finally {
      await reader.stop();
    }
  }, 40_000);
});
