import { describe, expect, it } from 'vitest';
import { freshnessSeconds, mayStore, updatedHeaders } from '../../src/credentials/index.js';

const NOW = Date.parse('2026-12-01T12:00:00Z') / 1000;
const at = (s: number) => new Date((NOW + s) * 1000).toUTCString();

/** How long a fetched response may be reused (RFC 9111 basics, src/credentials/http-freshness.ts). */
describe('freshnessSeconds', () => {
  it('max-age gives the lifetime, whatever Expires says; Age already spent is taken off', () => {
    expect(freshnessSeconds({ 'cache-control': 'max-age=600' }, NOW)).toBe(600);
    expect(freshnessSeconds({ 'cache-control': 'Public, MAX-AGE="120"' }, NOW)).toBe(120);
    expect(freshnessSeconds({ 'cache-control': 'max-age=600', expires: at(10), date: at(0) }, NOW)).toBe(600);
    expect(freshnessSeconds({ 'cache-control': 'max-age=600', age: '100' }, NOW)).toBe(500);
    expect(freshnessSeconds({ 'cache-control': 'max-age=60', age: '100' }, NOW)).toBe(0);
    // The first of two max-age directives counts (RFC 9111 §4.2.1).
    expect(freshnessSeconds({ 'cache-control': 'max-age=30, max-age=900' }, NOW)).toBe(30);
    // A private cache: `private` does not stop it, `s-maxage` is for shared caches.
    expect(freshnessSeconds({ 'cache-control': 'private, max-age=60, s-maxage=900' }, NOW)).toBe(60);
  });

  it('no-store, no-cache and an invalid max-age are never fresh', () => {
    expect(freshnessSeconds({ 'cache-control': 'no-store' }, NOW)).toBe(0);
    expect(freshnessSeconds({ 'cache-control': 'max-age=600, no-store' }, NOW)).toBe(0);
    expect(freshnessSeconds({ 'cache-control': 'no-cache, max-age=600' }, NOW)).toBe(0);
    expect(freshnessSeconds({ 'cache-control': 'no-cache="set-cookie", max-age=600' }, NOW)).toBe(0);
    expect(freshnessSeconds({ 'cache-control': 'max-age=ten' }, NOW)).toBe(0);
    expect(freshnessSeconds({ 'cache-control': 'max-age=-5' }, NOW)).toBe(0);
    expect(freshnessSeconds({ 'cache-control': 'max-age=1.5' }, NOW)).toBe(0);
  });

  it('Expires counts from the response’s Date (the server’s clock, not ours); an invalid Expires is expired', () => {
    expect(freshnessSeconds({ expires: at(300), date: at(0) }, NOW)).toBe(300);
    // The server's clock an hour ahead of ours: still the 300 s the server means.
    expect(freshnessSeconds({ expires: at(3900), date: at(3600) }, NOW)).toBe(300);
    // No Date: ours stands in for it.
    expect(freshnessSeconds({ expires: at(200) }, NOW)).toBe(200);
    expect(freshnessSeconds({ expires: at(-10), date: at(0) }, NOW)).toBe(0);
    expect(freshnessSeconds({ expires: '0', date: at(0) }, NOW)).toBe(0);
    expect(freshnessSeconds({ expires: 'soon', date: at(0) }, NOW)).toBe(0);
  });

  it('with neither, a tenth of the time since Last-Modified (RFC 9111 §4.2.2); with nothing at all, 0', () => {
    expect(freshnessSeconds({ 'last-modified': at(-10_000), date: at(0) }, NOW)).toBe(1000);
    expect(freshnessSeconds({ date: at(0) }, NOW)).toBe(0);
    expect(freshnessSeconds({}, NOW)).toBe(0);
  });
});

describe('revalidation (RFC 9111 §4.3.4)', () => {
  it('a 304’s headers replace the stored ones of the same name, so its freshness counts; its framing does not', () => {
    const stored = { etag: '"a"', 'cache-control': 'max-age=60', 'content-length': '900', 'x-kept': '1' };
    const after = updatedHeaders(stored, {
      'cache-control': 'max-age=600',
      'content-length': '0',
      date: at(0),
    });
    expect(after).toEqual({
      etag: '"a"',
      'cache-control': 'max-age=600',
      'content-length': '900',
      'x-kept': '1',
      date: at(0),
    });
    expect(freshnessSeconds(after, NOW)).toBe(600);
    // The stored headers are not changed in place.
    expect(stored['cache-control']).toBe('max-age=60');
  });

  it('only no-store forbids storing; no-cache allows it (to be revalidated before each use)', () => {
    expect(mayStore({ 'cache-control': 'max-age=0, No-Store' })).toBe(false);
    expect(mayStore({ 'cache-control': 'no-cache' })).toBe(true);
    expect(mayStore({})).toBe(true);
  });
});
