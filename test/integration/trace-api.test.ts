import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { TeaNet } from '../../src/demos/tea.js';
import {
  epcisDocument,
  pickingEvent,
  saleEvent,
  TEA,
  teaSeason,
  tinSerial,
} from '../../src/demos/tea-story.js';
import { toBase64Url } from '../../src/encoding/index.js';
import { eventHashHex, hashDocument } from '../../src/epcis/index.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * The recording node and the resolver over HTTP: documents recorded with their signed
 * transactions (schema, hash and summary checked first, nothing kept or submitted on a mismatch),
 * served for re-hashing, and resolved from GS1 Digital Link paths as JSON or as the consumer page.
 */
describe('trace over HTTP', () => {
  const tmp = tempDir('gongzhi-trace-api-');
  let net: TeaNet;
  let server: RunningServer;
  const tinPath = `/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(1)}`;
  // Resolved without counting as a consumer scan (no scan transaction racing the height checks).
  const quiet = `${tinPath}?scan=0`;

  const post = async (body: unknown) => {
    const r = await fetch(`${server.url}/v1/groups/main/trace/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const get = async (path: string, accept = 'application/json') => {
    const r = await fetch(`${server.url}${path}`, { headers: { accept } });
    const text = await r.text();
    return {
      status: r.status,
      type: r.headers.get('content-type') ?? '',
      text,
      json: () => JSON.parse(text),
    };
  };
  const txs = (who: Parameters<TeaNet['sign']>[0], doc: unknown) => net.sign(who, doc).map(toBase64Url);

  beforeAll(async () => {
    net = await TeaNet.start({ dataDir: tmp.dir });
    await net.register();
    server = await startServer(net.node, { host: '127.0.0.1', port: 0 });
    // The whole season through the HTTP endpoint, each party posting its own events.
    for (const [who, e] of teaSeason()) {
      const doc = epcisDocument([e]);
      const r = await post({ document: doc, txs: txs(who, doc) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.results).toMatchObject([{ status: 'ok', stored: true }]);
    }
  });

  afterAll(async () => {
    await server?.close();
    await net?.stop();
    tmp.remove();
  });

  it('serves each kept document, re-hashing to the ledger’s hash', async () => {
    const [h] = hashDocument(epcisDocument([teaSeason()[0]?.[1] as Record<string, unknown>]));
    const hex = eventHashHex(h?.hash as string) as string;
    const r = await get(`/v1/groups/main/trace/events/${hex}`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ hash: hex, matches: true, event: { type: 'ObjectEvent' } });
    expect((await get(`/v1/groups/main/trace/events/${'0'.repeat(64)}`)).json().error.code).toBe(
      'TRACE_NOT_FOUND',
    );
  });

  it('resolves a tin to its trace as JSON, every served event verified', async () => {
    const r = await get(quiet);
    expect(r.status).toBe(200);
    const v = r.json();
    expect(v.key).toBe(`01/${TEA.gtin.tin}/21/${tinSerial(1)}`);
    expect(v.product.name).toMatch(/250 g/);
    expect(v.trace.events).toHaveLength(13);
    expect(v.verification).toEqual({ checked: 13, matched: 13, mismatched: [], missing: [] });
    expect(Object.keys(v.documents)).toHaveLength(13);
    expect(v.link).toBe(`${server.url}${tinPath}`);
  });

  it('answers a browser with the consumer page (zh-CN, English on request)', async () => {
    const zh = await get(quiet, 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(zh.status).toBe(200);
    expect(zh.type).toMatch(/text\/html/);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('狮峰山茶园');
    expect(zh.text).toContain('/v1/trace/verify.js');
    const en = await get(`${quiet}&lang=en`, 'text/html');
    expect(en.text).toContain('Chain of custody');
    const js = await get('/v1/trace/verify.js', '*/*');
    expect(js.type).toMatch(/javascript/);
    expect(js.text).toContain('GongzhiEpcis');
    expect(js.text.startsWith('(() => {')).toBe(true);
  });

  it('lists its links; refuses a wrong check digit; 404s an unknown serial (page and JSON)', async () => {
    const links = (await get('/v1/trace/links')).json();
    expect(links.total).toBe(2);
    expect(links.links[1]).toMatchObject({
      key: `01/${TEA.gtin.dry}/10/${TEA.lots.dry}`,
      href: `${server.url}/01/${TEA.gtin.dry}/10/${TEA.lots.dry}`,
    });
    const bad = `${TEA.gtin.tin.slice(0, 13)}${(Number(TEA.gtin.tin[13]) + 1) % 10}`;
    const r = await get(`/01/${bad}/10/${TEA.lots.dry}`);
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe('TRACE_BAD_GTIN');
    const unknown = `/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/9999`;
    expect((await get(unknown)).json().error.code).toBe('TRACE_NOT_FOUND');
    const page = await get(unknown, 'text/html');
    expect(page.status).toBe(404);
    expect(page.text).toContain('data-state="not-found"');
  });

  it('records each consumer scan of a serial on the ledger itself: once per client and place', async () => {
    const tin3 = `/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(3)}`;
    const scan = async (path: string, place?: string) => {
      const r = await fetch(`${server.url}${path}`, {
        headers: {
          accept: 'application/json',
          ...(place === undefined ? {} : { 'x-gongzhi-place': encodeURIComponent(place) }),
        },
      });
      expect(r.status).toBe(200);
      return (await r.json()) as {
        scan?: { status: string; tx?: string };
        trace: { scans: { count: number; distinct: number; places: string[] } };
      };
    };
    const first = await scan(tin3, '上海 Shanghai');
    expect(first.trace.scans.count).toBe(0);
    expect(first.scan?.status).toBe('submitted');
    await net.group.waitForCommit(first.scan?.tx as string, 10_000);
    // A reload from the same client and place is the same scan.
    expect((await scan(tin3, '上海 Shanghai')).scan).toEqual({ status: 'repeat' });
    const second = await scan(`${tin3}?place=${encodeURIComponent('北京 Beijing')}`);
    expect(second.scan?.status).toBe('submitted');
    await net.group.waitForCommit(second.scan?.tx as string, 10_000);
    // A lot is not one item's scan; a holder's own check says so.
    expect((await scan(`/01/${TEA.gtin.dry}/10/${TEA.lots.dry}`)).scan).toBeUndefined();
    const after = await scan(`${tin3}?scan=0`);
    expect(after.scan).toBeUndefined();
    expect(after.trace.scans).toMatchObject({
      count: 2,
      distinct: 2,
      places: ['上海 Shanghai', '北京 Beijing'],
    });
    const item = net.query('item', { id: `01/${TEA.gtin.tin}/21/${tinSerial(3)}` }) as {
      scans: { count: number };
    };
    expect(item.scans.count).toBe(2);
  });

  it('refuses a document that fails the schema: TRACE_SCHEMA_INVALID, nothing submitted or kept', async () => {
    const height = net.group.latest.height;
    const e = pickingEvent({ lot: 'SF250406', kg: 5, time: '2025-04-06T06:00:00+08:00' });
    const good = epcisDocument([e]);
    const signed = txs('garden', good);
    const broken = epcisDocument([{ ...e, eventTime: 'yesterday' }]);
    const r = await post({ document: broken, txs: signed });
    expect(r.status).toBe(400);
    expect((r.body.error as { code: string }).code).toBe('TRACE_SCHEMA_INVALID');
    expect(net.group.latest.height).toBe(height);
  });

  it('refuses transactions whose hash is not the served event’s: TRACE_HASH_MISMATCH, nothing changes', async () => {
    const height = net.group.latest.height;
    const store = TraceDocumentStore.open(join(tmp.dir, TRACE_DOCUMENTS_FILE));
    const kept = store.count('main');
    const a = epcisDocument([saleEvent(2, '2025-04-11T10:00:00+08:00')]);
    const b = epcisDocument([saleEvent(2, '2025-04-11T10:00:01+08:00')]);
    const r = await post({ document: b, txs: txs('shop', a) });
    expect(r.status).toBe(400);
    expect((r.body.error as { code: string }).code).toBe('TRACE_HASH_MISMATCH');
    expect(net.group.latest.height).toBe(height);
    expect(store.count('main')).toBe(kept);
    store.close();
  });

  it('a rule refused on the ledger keeps nothing: the over-capacity batch', async () => {
    const doc = epcisDocument([
      pickingEvent({ lot: 'SF250407', kg: 1200, time: '2025-04-07T06:00:00+08:00' }),
    ]);
    const r = await post({ document: doc, txs: txs('garden', doc) });
    expect(r.status).toBe(200);
    expect(r.body.results).toMatchObject([{ status: 'TRACE_OVER_CAPACITY', stored: false }]);
  });

  it('a tampered served document no longer verifies', async () => {
    const store = TraceDocumentStore.open(join(tmp.dir, TRACE_DOCUMENTS_FILE));
    const [first] = (await get(quiet)).json().trace.events as { hash: string }[];
    const doc = store.get('main', first?.hash as string);
    expect(doc).toBeDefined();
    if (doc === undefined) return;
    const ql = (doc.event.quantityList as { quantity: number }[])[0] as { quantity: number };
    const tampered = { ...doc.event, quantityList: [{ ...ql, quantity: 480 }] };
    store.put([{ ...doc, event: tampered }]);
    const v = (await get(quiet)).json();
    expect(v.verification.mismatched).toEqual([first?.hash]);
    store.put([doc]);
    store.close();
    expect((await get(quiet)).json().verification.matched).toBe(13);
  });
});
