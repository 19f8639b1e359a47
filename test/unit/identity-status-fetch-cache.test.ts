import { describe, expect, it } from 'vitest';
import { decodeCompactHeader, StatusFetchCache } from '../../src/credentials/index.js';
import { toBase64Url, utf8 } from '../../src/encoding/index.js';

/** A list JWT with these claims (the cache reads its times only; signatures are the reader's job). */
const jwt = (claims: Record<string, unknown>) =>
  `${toBase64Url(utf8('{"alg":"EdDSA"}'))}.${toBase64Url(utf8(JSON.stringify(claims)))}.sig`;

function world(answer: (n: number) => string) {
  let now = 1_000;
  let fetched = 0;
  const cache = new StatusFetchCache(
    async () => answer(++fetched),
    () => now,
  );
  return {
    get: () => cache.fetchStatus('https://issuer.example/list', 'application/statuslist+jwt'),
    at: (t: number) => {
      now = t;
    },
    fetched: () => fetched,
    cache,
  };
}

describe('StatusFetchCache', () => {
  it('keeps a token for its ttl (seconds), then fetches it again', async () => {
    const w = world((n) => jwt({ ttl: 60, exp: 10_000, n }));
    expect(await w.get()).toBe(jwt({ ttl: 60, exp: 10_000, n: 1 }));
    w.at(1_059);
    expect(await w.get()).toBe(jwt({ ttl: 60, exp: 10_000, n: 1 }));
    expect(w.fetched()).toBe(1);
    w.at(1_060);
    expect(await w.get()).toBe(jwt({ ttl: 60, exp: 10_000, n: 2 }));
    expect(w.fetched()).toBe(2);
  });

  it('never past the list’s exp, and a list stating no ttl is fetched every time', async () => {
    const short = world((n) => jwt({ ttl: 600, exp: 1_010, n }));
    await short.get();
    short.at(1_010);
    await short.get();
    expect(short.fetched()).toBe(2);
    const none = world((n) => jwt({ exp: 10_000, n }));
    await none.get();
    await none.get();
    expect(none.fetched()).toBe(2);
    expect(none.cache.size).toBe(0);
  });

  it('reads a BitstringStatusListCredential’s ttl in milliseconds, cut at validUntil', async () => {
    const w = world((n) =>
      jwt({ validUntil: new Date(1_030_000).toISOString(), credentialSubject: { ttl: 60_000 }, n }),
    );
    await w.get();
    w.at(1_029);
    await w.get();
    expect(w.fetched()).toBe(1);
    w.at(1_030);
    await w.get();
    expect(w.fetched()).toBe(2);
  });

  it('keeps nothing that is not a JWT, nor a failed fetch', async () => {
    const w = world(() => 'not a jwt');
    await w.get();
    await w.get();
    expect(w.fetched()).toBe(2);
    const failing = new StatusFetchCache(async () => {
      throw new Error('unreachable');
    });
    await expect(failing.fetchStatus('https://x.example/l', 'a')).rejects.toThrow('unreachable');
    expect(failing.size).toBe(0);
  });
});

describe('decodeCompactHeader (the kid of a fetched list, without decoding the list)', () => {
  it('reads the header alone; a malformed one is IDENTITY_CREDENTIAL_INVALID', () => {
    expect(decodeCompactHeader(jwt({ ttl: 1 }))).toEqual({ alg: 'EdDSA' });
    for (const bad of ['', 'x', `${toBase64Url(utf8('[1]'))}.e30.s`, `${toBase64Url(utf8('{'))}.e30.s`]) {
      expect(() => decodeCompactHeader(bad)).toThrow(
        expect.objectContaining({ code: 'IDENTITY_CREDENTIAL_INVALID' }),
      );
    }
  });
});
