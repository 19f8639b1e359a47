/**
 * The tests' delaying TCP relay (issue 18, item 6): bytes arrive whole and in order through a
 * delayed rule in both directions, a half-close is carried over, and a client whose target does
 * not answer is closed rather than left hanging.
 */
import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Relay, startRelay } from '../../src/testing/delay-relay.js';

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

/** Send `data` through `port`, half-close, and collect everything the other side sends back. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const s = connect({ host: '127.0.0.1', port });
    const got: Buffer[] = [];
    s.on('data', (c: Buffer) => got.push(c));
    s.on('end', () => ok(Buffer.concat(got)));
    s.on('error', fail);
    // many small writes: the order of chunks is what a reordering relay would break
    for (let i = 0; i < data.length; i += 1000) s.write(data.subarray(i, i + 1000));
    s.end();
  });
}

describe('delay relay', () => {
  // Echoes every byte back and ends when the client ends.
  const echo = createServer({ allowHalfOpen: true }, (s) => {
    s.on('data', (c: Buffer) => s.write(c));
    s.on('end', () => s.end());
    s.on('error', () => undefined);
  });
  let relay: Relay;
  let ports: number[] = [];

  beforeAll(async () => {
    const target = await listen(echo);
    const dead = await freePort();
    ports = [await freePort(), await freePort()];
    relay = await startRelay([
      {
        listenHost: '127.0.0.1',
        listenPort: ports[0] as number,
        targetHost: '127.0.0.1',
        targetPort: target,
        delayMs: 5,
      },
      {
        listenHost: '127.0.0.1',
        listenPort: ports[1] as number,
        targetHost: '127.0.0.1',
        targetPort: dead,
        delayMs: 5,
      },
    ]);
  });

  afterAll(async () => {
    await relay.close();
    await new Promise((r) => echo.close(r));
  });

  it('carries 2 MB each way, whole and in order, and the half-close after it', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const back = await roundTrip(ports[0] as number, data);
    expect(back.length).toBe(data.length);
    expect(back.equals(data)).toBe(true);
    expect(relay.accepted[0]).toBe(1);
  });

  it('closes the client when the target refuses the connection', async () => {
    const closed = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port: ports[1] as number });
      s.on('error', () => undefined);
      s.on('close', () => r(true));
    });
    expect(closed).toBe(true);
    expect(relay.accepted[1]).toBe(1);
  });
});
