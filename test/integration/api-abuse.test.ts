/**
 * The attacks of issue 16 (items 1–3) against a real node and HTTP server, each with its effect
 * bounded: a huge nested batch body, event-stream clients that never read, slow senders, too many
 * sockets, a flooding client. No timed assertions: each check is about order (refused before the
 * body was sent, committed while the attack was open) or about who was answered.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import type { ServerOptions } from '../../src/api/server.js';
import { streamBlocks } from '../../src/api/sse.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { toBase64Url } from '../../src/encoding/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import { GongzhiClient } from '../../src/sdk/index.js';
import { makeTx, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';

let c: TestConsortium;
let admin: KeyPair;
let tmp: { dir: string; remove: () => void };
let node: GongzhiNode;
const servers: RunningServer[] = [];
const sockets: Socket[] = [];

let n = 0;
function anchor(): { bytes: Uint8Array; hash: string } {
  const g = node.group('main');
  return makeTx(c.suite, admin, g, 'evidence', 'anchor', {
    digest: c.suite.hash(new TextEncoder().encode(`abuse-${n++}`)),
    alg: 'sha256',
    meta: { type: 'photo', capturedBy: 't', capturedAt: n, method: 'camera' },
  });
}

async function serve(limits: ServerOptions['limits'] = {}): Promise<RunningServer> {
  const s = await startServer(node, { host: '127.0.0.1', port: 0, limits });
  servers.push(s);
  return s;
}

function portOf(s: RunningServer): number {
  return Number(new URL(s.url).port);
}

/** A raw socket to `s`, tracked so afterAll destroys it whatever happened. */
function rawSocket(s: RunningServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect(portOf(s), '127.0.0.1', () => resolve(sock));
    sockets.push(sock);
    sock.on('error', reject);
  });
}

/** Everything `sock` receives until it closes. */
function untilClosed(sock: Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got));
  });
}

/** Send `body` chunks on a chunked POST to the batch route until the answer comes; bytes sent before it. */
function attack(
  s: RunningServer,
  head: string,
  chunk: string,
  total: number,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { error?: { code: string; details?: Record<string, unknown> } };
  sent: number;
}> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port: portOf(s),
        method: 'POST',
        path: '/v1/groups/main/txs/batch',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        answered = true;
        const atAnswer = sent;
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), sent: atAnswer });
        });
      },
    );
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const buf = Buffer.from(chunk);
    const pump = () => {
      while (!answered && sent < total) {
        const ok = req.write(sent === 0 ? Buffer.concat([Buffer.from(head), buf]) : buf);
        sent += sent === 0 ? head.length + buf.length : buf.length;
        if (!ok) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    if (headers['content-length'] !== undefined) req.flushHeaders();
    else pump();
  });
}

beforeAll(async () => {
  c = testConsortium();
  admin = c.admins[0] as KeyPair;
  tmp = tempDir('gongzhi-abuse-');
  node = await GongzhiNode.start({
    nodeId: 'org0-node',
    org: 'org0',
    nodeSecretKey: (c.nodeKeys[0] as KeyPair).secretKey,
    genesis: c.genesis,
    dataDir: tmp.dir,
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  for (const sock of sockets) sock.destroy();
  await Promise.all(servers.map((s) => s.close()));
  await node?.close();
  tmp?.remove();
});

describe('batch body attacks (issue 16, item 1)', () => {
  it('a 48 MB nested [[[…]]] body is refused at its first bytes, seven at once, with commits in between', async () => {
    const s = await serve();
    const client = new GongzhiClient({ url: s.url, secretKey: admin.secretKey });
    const total = 48 * 1024 * 1024;
    const height = node.group('main').latest.height;
    const attacks = Array.from({ length: 7 }, () => attack(s, '{"txs":', '['.repeat(64 * 1024), total));
    const committed = await client.submit('main', anchor().bytes, { wait: 'commit' });
    const answers = await Promise.all(attacks);
    for (const a of answers) {
      expect(a.status).toBe(400);
      expect(a.body.error?.code).toBe('API_BAD_REQUEST');
      expect(a.body.error?.details).toMatchObject({ at: 8, index: 0 });
      // Answered long before the body was sent: nothing of it was kept or parsed.
      expect(a.sent).toBeLessThan(total / 4);
    }
    expect(committed.status).toBe('committed');
    expect(node.group('main').latest.height).toBeGreaterThan(height);
  });

  it('a declared body over the limit is refused before any byte of it (413)', async () => {
    const s = await serve({ batchBodyBytes: 1024 * 1024 });
    const a = await attack(s, '', '', 0, { 'content-length': String(48 * 1024 * 1024) });
    expect(a.status).toBe(413);
    expect(a.body.error?.code).toBe('API_BODY_TOO_LARGE');
    expect(a.sent).toBe(0);
    // Undeclared (chunked), it is refused once the limit is passed, not at the end.
    const b = await attack(s, '{"txs":["', 'A'.repeat(64 * 1024), 48 * 1024 * 1024);
    expect(b.status).toBe(413);
    expect(b.sent).toBeLessThan(8 * 1024 * 1024);
  });

  it('while a large body trickles in, commits go on; an entry longer than any transaction is not kept', async () => {
    const s = await serve();
    const client = new GongzhiClient({ url: s.url, secretKey: admin.secretKey });
    const good = anchor();
    const res = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: portOf(s),
          method: 'POST',
          path: '/v1/groups/main/txs/batch',
          headers: { 'content-type': 'application/json' },
        },
        (r) => {
          let text = '';
          r.on('data', (d) => {
            text += d;
          });
          r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(`{"txs":["${toBase64Url(good.bytes)}","`);
      for (let i = 0; i < 64; i++) req.write('B'.repeat(64 * 1024));
      // Half-sent: the node still commits others' transactions.
      void client.submit('main', anchor().bytes, { wait: 'commit' }).then(
        (r) => {
          expect(r.status).toBe('committed');
          req.end('"]}');
        },
        (e) => {
          req.destroy();
          reject(e);
        },
      );
    });
    const { status, text } = await res;
    expect(status).toBe(200);
    const { results } = JSON.parse(text) as { results: { hash?: string; error?: { code: string } }[] };
    expect(results[0]).toEqual({ hash: good.hash });
    expect(results[1]?.error?.code).toBe('TX_TOO_LARGE');
  });
});

describe('event streams (issue 16, item 2)', () => {
  it('many clients that never read do not stop commits; beyond the cap: 503 API_TOO_MANY_STREAMS', async () => {
    const max = 300;
    const s = await serve({ maxStreams: max, streamQueueBytes: 64 * 1024 });
    const client = new GongzhiClient({ url: s.url, secretKey: admin.secretKey });
    // Each client sends its request, reads the status line, then never reads again.
    const opened = await Promise.all(
      Array.from({ length: max }, async () => {
        const sock = await rawSocket(s);
        sock.write('GET /v1/groups/main/events?from=0 HTTP/1.1\r\nHost: x\r\n\r\n');
        const first = await new Promise<string>((r) => sock.once('data', (d) => r(d.toString('latin1'))));
        sock.pause();
        return first;
      }),
    );
    for (const first of opened) expect(first).toMatch(/^HTTP\/1\.1 200/);
    const over = await fetch(`${s.url}/v1/groups/main/events`);
    expect(over.status).toBe(503);
    expect(over.headers.get('retry-after')).not.toBeNull();
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('API_TOO_MANY_STREAMS');
    // Commits go on with every stream stalled.
    for (let k = 0; k < 10; k++) {
      const res = await client.submitBatch(
        'main',
        Array.from({ length: 20 }, () => anchor().bytes),
        { wait: 'commit' },
      );
      for (const r of res) expect(r.status).toBe('committed');
    }
  });

  it('a subscriber that stops reading is dropped once its queue is full; others are not', async () => {
    const g = node.group('main');
    const client = new GongzhiClient({ url: (await serve()).url, secretKey: admin.secretKey });
    /** A client whose socket takes `capacity` bytes and then never drains. */
    const sink = (capacity: number) => {
      let taken = 0;
      const w = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _enc, cb) {
          taken += chunk.length;
          if (taken < capacity) cb();
        },
      });
      return Object.assign(w, { writeHead: () => w });
    };
    const stuck = sink(4096);
    const reader = sink(Number.POSITIVE_INFINITY);
    let stuckEnded = false;
    let readerEnded = false;
    const a = streamBlocks(
      g,
      g.latest.height + 1,
      stuck as never,
      () => {
        stuckEnded = true;
      },
      { queueBytes: 16 * 1024 },
    );
    const b = streamBlocks(
      g,
      g.latest.height + 1,
      reader as never,
      () => {
        readerEnded = true;
      },
      { queueBytes: 16 * 1024 },
    );
    for (let k = 0; k < 40 && !stuckEnded; k++) {
      await client.submitBatch(
        'main',
        Array.from({ length: 10 }, () => anchor().bytes),
        { wait: 'commit' },
      );
      await new Promise((r) => setImmediate(r));
    }
    expect(stuckEnded).toBe(true);
    expect(stuck.destroyed).toBe(true);
    expect(readerEnded).toBe(false);
    a.end();
    b.end();
    expect(readerEnded).toBe(true);
  });
});

describe('slow and flooding clients (issue 16, item 3)', () => {
  it('closes a socket that does not finish its headers, or its body, in time (408)', async () => {
    const s = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 500 });
    const slowHeaders = await rawSocket(s);
    const h = untilClosed(slowHeaders);
    slowHeaders.write('GET /v1/groups HTTP/1.1\r\nHost: x\r\n');
    const slowBody = await rawSocket(s);
    const b = untilClosed(slowBody);
    slowBody.write(
      'POST /v1/groups/main/txs/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"txs":["',
    );
    const drip = setInterval(() => {
      if (!slowBody.destroyed) slowBody.write('A');
    }, 50);
    try {
      expect(await h).toMatch(/^HTTP\/1\.1 408/);
      expect(await b).toMatch(/408/);
    } finally {
      clearInterval(drip);
    }
  });

  it('accepts at most maxConnections sockets: the next ones are closed unanswered', async () => {
    const s = await serve({ maxConnections: 3 });
    const connections = () =>
      new Promise<number>((r) => s.app.server.getConnections((_e, count) => r(count)));
    const held = await Promise.all(Array.from({ length: 3 }, () => rawSocket(s)));
    const heldDone = held.map(untilClosed);
    while ((await connections()) < 3) await new Promise((r) => setTimeout(r, 10));
    const extra = await Promise.all(Array.from({ length: 3 }, () => rawSocket(s)));
    const extraDone = extra.map((sock) => {
      const done = untilClosed(sock);
      sock.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      return done;
    });
    expect(await Promise.all(extraDone)).toEqual(['', '', '']);
    for (const sock of held) sock.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    for (const a of await Promise.all(heldDone)) expect(a).toMatch(/^HTTP\/1\.1 200/);
  });

  it('answers 429 API_RATE_LIMITED with Retry-After past a client’s burst; /health is not limited', async () => {
    const s = await serve({ ratePerSecond: 1, rateBurst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${s.url}/v1/groups`);
      await r.arrayBuffer();
      statuses.push(r.status);
    }
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await fetch(`${s.url}/v1/groups`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited.json()) as { error: { code: string; hint: string } };
    expect(body.error.code).toBe('API_RATE_LIMITED');
    expect(body.error.hint).toMatch(/Retry-After/);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});
