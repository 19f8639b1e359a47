/**
 * The SDK's one retry of a GET whose pooled socket the node had closed (see src/sdk/stale-socket.ts
 * and test/integration/keep-alive-reuse.test.ts for the real race): which failures are retried,
 * that a POST never is, and that a second failure is reported, not looped on.
 */
import { describe, expect, it } from 'vitest';
import { isGongzhiError } from '../../src/errors/index.js';
import { GongzhiClient } from '../../src/sdk/index.js';
import { isStaleSocketError } from '../../src/sdk/stale-socket.js';

/** What Node's fetch throws for a socket error: a TypeError whose cause carries the code. */
function fetchFailed(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

/** A fetch that fails with `errors` in turn, then answers `{"ok":true}`; counts its calls. */
function scripted(errors: Error[]): { fetch: typeof fetch; calls: () => number } {
  let n = 0;
  const f = async (): Promise<Response> => {
    const e = errors[n++];
    if (e) throw e;
    return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: f, calls: () => n };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isGongzhiError(e)) return e.code;
    throw e;
  }
  return 'none';
}

describe('stale pooled socket', () => {
  it('recognises the codes Node’s fetch gives a closed socket, in the cause chain', () => {
    expect(isStaleSocketError(fetchFailed('ECONNRESET'))).toBe(true);
    expect(isStaleSocketError(fetchFailed('EPIPE'))).toBe(true);
    expect(isStaleSocketError(fetchFailed('UND_ERR_SOCKET'))).toBe(true);
    expect(isStaleSocketError(fetchFailed('ECONNREFUSED'))).toBe(false);
    expect(isStaleSocketError(new TypeError('Failed to fetch'))).toBe(false);
    expect(isStaleSocketError(undefined)).toBe(false);
  });

  it('retries a GET once on a stale socket and answers', async () => {
    const s = scripted([fetchFailed('ECONNRESET')]);
    const c = new GongzhiClient({ url: 'http://node.invalid', fetch: s.fetch });
    expect(await c.health()).toEqual({ ok: true });
    expect(s.calls()).toBe(2);
  });

  it('reports SDK_HTTP when the retry fails too, after exactly two tries', async () => {
    const s = scripted([fetchFailed('ECONNRESET'), fetchFailed('UND_ERR_SOCKET')]);
    const c = new GongzhiClient({ url: 'http://node.invalid', fetch: s.fetch });
    expect(await codeOf(c.health())).toBe('SDK_HTTP');
    expect(s.calls()).toBe(2);
  });

  it('does not retry a refused connection', async () => {
    const s = scripted([fetchFailed('ECONNREFUSED')]);
    const c = new GongzhiClient({ url: 'http://node.invalid', fetch: s.fetch });
    expect(await codeOf(c.health())).toBe('SDK_HTTP');
    expect(s.calls()).toBe(1);
  });

  it('does not retry a POST: a transaction may have reached the node', async () => {
    const s = scripted([fetchFailed('ECONNRESET')]);
    const c = new GongzhiClient({ url: 'http://node.invalid', fetch: s.fetch });
    expect(await codeOf(c.submit('main', new Uint8Array([1, 2, 3])))).toBe('SDK_HTTP');
    expect(s.calls()).toBe(1);
  });
});
