import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import {
  caseEvent,
  casingEvent,
  epcisDocument,
  firingEvent,
  handoverEvent,
  PARTY_GLN,
  pickingEvent,
  saleEvent,
  TEA,
  TEA_GARDEN,
  TEA_PARTIES,
  TEA_PRODUCTS,
  teaSeason,
  tinningEvent,
  tinSerial,
  tinUri,
} from '../../src/demos/tea-story.js';
import { toHex } from '../../src/encoding/index.js';
import { hashDocument, lotKey, serialKey, summarizeEvent, validateEpcis } from '../../src/epcis/index.js';
import type { BlockResult } from '../../src/execution/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { recordArgsFromSummary, traceModule } from '../../src/modules/trace/index.js';
import { MemoryChain } from '../../src/testing/index.js';

const suite = getSuite('ed25519');
type Party = keyof typeof TEA_PARTIES;

/** A chain with the trace module, the story's parties registered (gardens, products). */
class TeaChain {
  readonly mc = new MemoryChain({
    suite,
    modules: [traceModule],
    timestamp: 1_743_000_000_000,
    chain: 'tea',
  });
  readonly keys = new Map<Party, KeyPair>();

  key(p: Party): KeyPair {
    let k = this.keys.get(p);
    if (k === undefined) {
      k = suite.generateKeyPair();
      this.keys.set(p, k);
    }
    return k;
  }

  addr(p: Party): string {
    return suite.address(this.key(p).publicKey);
  }

  call(p: Party, method: string, args: CborMap): BlockResult {
    return this.mc.run([this.mc.tx(this.key(p), 'trace', method, args)]);
  }

  ok(p: Party, method: string, args: CborMap): BlockResult {
    const r = this.call(p, method, args);
    expect(r.receipts[0]?.status, `${p} ${method}: ${r.receipts[0]?.message ?? ''}`).toBe('ok');
    return r;
  }

  /** Record one event (validated, hashed and summarised as the node does) from `p`. */
  record(p: Party, event: Record<string, unknown>): BlockResult {
    return this.call(p, 'record', TeaChain.args(event));
  }

  static args(event: Record<string, unknown>): CborMap {
    const doc = epcisDocument([event]);
    const v = validateEpcis(doc);
    expect(v, JSON.stringify(v)).toEqual({ valid: true });
    const [h] = hashDocument(doc);
    if (h === undefined) throw new Error('no event');
    return recordArgsFromSummary(summarizeEvent(h.event, doc['@context']), h.digest);
  }

  query(name: string, args: Record<string, unknown> = {}): Record<string, unknown> {
    return this.mc.query('trace', name, args) as Record<string, unknown>;
  }

  snapshot(): Map<string, string> {
    return new Map([...this.mc.state].map(([k, v]) => [k, toHex(v)]));
  }

  /** `p`'s call fails with `code`, writing nothing. */
  refused(p: Party, method: string, args: CborMap, code: string): void {
    const before = this.snapshot();
    const r = this.call(p, method, args);
    expect(r.receipts[0]?.status, r.receipts[0]?.message).toBe(code);
    expect(r.receipts[0]?.writes).toEqual([]);
    expect(r.receipts[0]?.events).toEqual([]);
    expect(this.snapshot()).toEqual(before);
  }

  static async registered(): Promise<TeaChain> {
    const c = new TeaChain();
    for (const p of ['garden', 'outsider', 'factory', 'packer', 'logistics', 'shop'] as const) {
      const party = TEA_PARTIES[p];
      c.ok('admin', 'registerParticipant', {
        id: party.id,
        name: party.name,
        kind: party.kind,
        accounts: [c.addr(p)],
        publish: true,
        ...(p === 'outsider' ? {} : { gln: PARTY_GLN[p] }),
      });
    }
    c.ok('admin', 'registerGarden', {
      ...TEA_GARDEN,
      owner: TEA_PARTIES.garden.id,
      gln: TEA.gln.garden,
    });
    for (const p of TEA_PRODUCTS) {
      const { key, ...rest } = p;
      c.ok('admin', 'registerProduct', { ...rest, gtin: TEA.gtin[key] } as CborMap);
    }
    return c;
  }
}

const freshKey = lotKey(TEA.gtin.fresh, TEA.lots.fresh);
const dryKey = lotKey(TEA.gtin.dry, TEA.lots.dry);
const tinKey = (i: number) => serialKey(TEA.gtin.tin, tinSerial(i));

describe('trace registry', () => {
  it('registers participants, the garden (capacity) and products; lists them', async () => {
    const c = await TeaChain.registered();
    const reg = c.query('participants') as {
      participants: { id: string; bizSteps: string[] }[];
      gardens: { id: string; capacityGrams: number }[];
      products: { gtin: string; ratio: { input: number } }[];
    };
    expect(reg.participants.map((p) => p.id)).toContain('longjing-factory');
    expect(reg.participants.find((p) => p.id === 'longjing-factory')?.bizSteps).toContain(
      'urn:gongzhi:bizstep:pan_firing',
    );
    expect(reg.gardens).toMatchObject([{ id: 'shifeng-01', capacityGrams: 1_200_000 }]);
    expect(reg.products.find((p) => p.gtin === TEA.gtin.dry)?.ratio.input).toBe(4);
  });

  it('refuses a product GTIN with a wrong check digit (TRACE_BAD_GTIN), nothing written', async () => {
    const c = await TeaChain.registered();
    const bad = `${TEA.gtin.tin.slice(0, 13)}${(Number(TEA.gtin.tin[13]) + 1) % 10}`;
    c.refused('admin', 'registerProduct', { gtin: bad, name: 'x', owner: 'xihu-packing' }, 'TRACE_BAD_GTIN');
  });

  it('keeps one participant per account', async () => {
    const c = await TeaChain.registered();
    c.refused(
      'admin',
      'registerParticipant',
      { id: 'another', name: 'x', kind: 'retailer', accounts: [c.addr('shop')] },
      'TRACE_ACCOUNT_TAKEN',
    );
  });
});

describe('trace.record: the season', () => {
  it('records the genuine season and traces a sold tin back to the garden', async () => {
    const c = await TeaChain.registered();
    for (const [who, e] of teaSeason()) {
      const r = c.record(who, e);
      expect(r.receipts[0]?.status, `${who}: ${r.receipts[0]?.message ?? ''}`).toBe('ok');
    }
    const fresh = c.query('item', { id: freshKey }) as { item: { remaining: number; origins: string[] } };
    expect(fresh.item).toMatchObject({ remaining: 0, origins: ['shifeng-01'] });
    const dry = c.query('item', { id: dryKey }) as { item: { grams: number; remaining: number } };
    expect(dry.item).toMatchObject({ grams: 11_000, remaining: 1_000 });
    const tin = c.query('item', { id: tinKey(1) }) as {
      item: { grams: number; containers: string[]; sold?: { by: string } };
      events: unknown[];
    };
    expect(tin.item.grams).toBe(250);
    expect(tin.item.containers).toEqual([`00/${TEA.sscc}`]);
    expect(tin.item.sold?.by).toBe('hefang-shop');
    // A Digital Link URI with a lot and a serial resolves to the serial.
    const t = c.query('trace', {
      id: `https://tea.example/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(1)}`,
    }) as {
      id: string;
      events: { bizStep: string; recorder: string }[];
      gardens: { id: string }[];
      participants: { id: string }[];
    };
    expect(t.id).toBe(tinKey(1));
    expect(t.events.map((e) => e.recorder)).toEqual([
      'shifeng-coop',
      'shifeng-coop',
      'longjing-factory',
      'longjing-factory',
      'longjing-factory',
      'xihu-packing',
      'xihu-packing',
      'xihu-packing',
      'xihu-packing',
      'zj-express',
      'zj-express',
      'hefang-shop',
      'hefang-shop',
    ]);
    expect(t.gardens.map((g) => g.id)).toEqual(['shifeng-01']);
    const garden = (c.query('participants') as { gardens: { harvested: unknown }[] }).gardens[0];
    expect(garden?.harvested).toEqual([{ season: TEA.season, grams: 48_000 }]);
    expect((c.query('lots') as { lots: string[] }).lots).toEqual([freshKey, dryKey]);
    expect((c.query('events') as { total: number }).total).toBe(13);
    // Custody followed the hand-overs: the case (and the tins in it) is the shop's.
    const box = c.query('item', { id: `00/${TEA.sscc}` }) as { item: { custodian: string; packed: boolean } };
    expect(box.item).toMatchObject({ custodian: 'hefang-shop', packed: false });
    expect(tin.item).toMatchObject({ custodian: 'hefang-shop', packed: true });
  });

  it('stores the canonical hash: the event query answers by ni URI', async () => {
    const c = await TeaChain.registered();
    const e = pickingEvent({ lot: TEA.lots.fresh, kg: 48, time: '2025-04-02T06:30:00+08:00' });
    c.record('garden', e);
    const [h] = hashDocument(epcisDocument([e]));
    const got = c.query('event', { hash: h?.hash }) as { hashUri: string; recorder: string; bizStep: string };
    expect(got).toMatchObject({
      hashUri: h?.hash,
      recorder: 'shifeng-coop',
      bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning',
    });
  });
});

describe('trace.record: the rules catch fraud (each refused with its code, nothing written)', () => {
  const picking = (kg: number, lot = 'SF250499', gardenGln?: string) =>
    pickingEvent({ lot, kg, time: '2025-04-03T06:30:00+08:00', ...(gardenGln ? { gardenGln } : {}) });

  it('a counterfeit batch from a non-registered garden: TRACE_UNKNOWN_ORIGIN', async () => {
    const c = await TeaChain.registered();
    c.refused(
      'outsider',
      'record',
      TeaChain.args(picking(30, 'YH250403', TEA.gln.outsideGarden)),
      'TRACE_UNKNOWN_ORIGIN',
    );
    // …nor may it record at the registered garden, which is not its own.
    c.refused('outsider', 'record', TeaChain.args(picking(30, 'YH250403')), 'TRACE_UNKNOWN_ORIGIN');
  });

  it('more leaf than the garden can yield this season: TRACE_OVER_CAPACITY', async () => {
    const c = await TeaChain.registered();
    c.record('garden', pickingEvent({ lot: TEA.lots.fresh, kg: 1150, time: '2025-04-02T06:30:00+08:00' }));
    c.refused('garden', 'record', TeaChain.args(picking(51)), 'TRACE_OVER_CAPACITY');
    expect(c.record('garden', picking(50)).receipts[0]?.status).toBe('ok');
    // Another season has its own capacity.
    const summer = pickingEvent({
      lot: 'SF250701',
      kg: 50,
      time: '2025-07-01T06:30:00+08:00',
      season: '2025-summer',
    });
    expect(c.record('garden', summer).receipts[0]?.status).toBe('ok');
  });

  it('a bizStep the organisation is not registered for: TRACE_BIZSTEP_DENIED', async () => {
    const c = await TeaChain.registered();
    c.record('garden', pickingEvent({ lot: TEA.lots.fresh, kg: 48, time: '2025-04-02T06:30:00+08:00' }));
    const firing = firingEvent({ inKg: 48, outKg: 11, time: '2025-04-02T14:00:00+08:00' });
    c.refused('shop', 'record', TeaChain.args(firing), 'TRACE_BIZSTEP_DENIED');
  });

  it('more dry tea than the leaf allows at 4:1: TRACE_OVER_RATIO', async () => {
    const c = await TeaChain.registered();
    for (const [who, e] of teaSeason().slice(0, 3)) c.record(who, e); // picked, shipped, received
    const firing = firingEvent({ inKg: 48, outKg: 12.001, time: '2025-04-02T14:00:00+08:00' });
    c.refused('factory', 'record', TeaChain.args(firing), 'TRACE_OVER_RATIO');
    const exact = firingEvent({ inKg: 48, outKg: 12, time: '2025-04-02T14:00:00+08:00' });
    expect(c.record('factory', exact).receipts[0]?.status).toBe('ok');
  });

  it('more tins than the dry tea fills: TRACE_OVER_RATIO; more input than remains: TRACE_INSUFFICIENT', async () => {
    const c = await TeaChain.registered();
    // Picked, fired, and the dry tea handed over to the packer.
    for (const [who, e] of teaSeason().slice(0, 6)) c.record(who, e);
    const tooMany = tinningEvent({ inKg: 10, tins: 41, time: '2025-04-05T09:00:00+08:00' });
    c.refused('packer', 'record', TeaChain.args(tooMany), 'TRACE_OVER_RATIO');
    const overdraw = tinningEvent({ inKg: 12, tins: 48, time: '2025-04-05T09:00:00+08:00' });
    c.refused('packer', 'record', TeaChain.args(overdraw), 'TRACE_INSUFFICIENT');
  });

  it('a serial commissioned twice: TRACE_DUPLICATE_COMMISSION (and a lot)', async () => {
    const c = await TeaChain.registered();
    for (const [who, e] of teaSeason().slice(0, 7)) c.record(who, e); // through the tinning
    const again = tinningEvent({ inKg: 0.25, tins: 1, time: '2025-04-06T09:00:00+08:00', first: 7 });
    c.refused('packer', 'record', TeaChain.args(again), 'TRACE_DUPLICATE_COMMISSION');
    const relot = pickingEvent({ lot: TEA.lots.fresh, kg: 5, time: '2025-04-03T06:30:00+08:00' });
    c.refused('garden', 'record', TeaChain.args(relot), 'TRACE_DUPLICATE_COMMISSION');
  });

  it('an invalid GTIN check digit in an identifier: TRACE_BAD_GTIN', async () => {
    const c = await TeaChain.registered();
    const args = TeaChain.args(picking(5));
    const ids = args.ids as CborMap[];
    const key = ids[0]?.key as string;
    const g = key.slice(3, 17);
    const wrong = `${g.slice(0, 13)}${(Number(g[13]) + 1) % 10}`;
    c.refused(
      'garden',
      'record',
      { ...args, ids: [{ ...ids[0], key: key.replace(g, wrong) }] },
      'TRACE_BAD_GTIN',
    );
  });

  it('the same event twice, a stranger, a second sale, an unknown case', async () => {
    const c = await TeaChain.registered();
    for (const [who, e] of teaSeason()) c.record(who, e);
    c.refused(
      'shop',
      'record',
      TeaChain.args(saleEvent(1, '2025-04-10T15:20:00+08:00')),
      'TRACE_EVENT_EXISTS',
    );
    c.refused(
      'shop',
      'record',
      TeaChain.args(saleEvent(1, '2025-04-11T10:00:00+08:00')),
      'TRACE_ALREADY_SOLD',
    );
    c.refused(
      'admin',
      'record',
      TeaChain.args(saleEvent(2, '2025-04-11T10:00:00+08:00')),
      'TRACE_NOT_PARTICIPANT',
    );
    const stray = { ...caseEvent('receiving', '2025-04-12T10:00:00+08:00'), epcList: [tinUri(99)] };
    c.refused('shop', 'record', TeaChain.args(stray), 'TRACE_UNKNOWN_ID');
  });

  it('an aggregation of unknown tins: TRACE_UNKNOWN_ID', async () => {
    const c = await TeaChain.registered();
    c.refused(
      'packer',
      'record',
      TeaChain.args(casingEvent({ tins: 2, time: '2025-04-05T11:00:00+08:00' })),
      'TRACE_UNKNOWN_ID',
    );
  });
});

describe('trace.scan', () => {
  it('counts scans and places; flags a serial seen in more than 3 places (a cloned code)', async () => {
    const c = await TeaChain.registered();
    for (const [who, e] of teaSeason()) c.record(who, e);
    const scan = (place: string) => c.ok('shop', 'scan', { key: tinKey(1), place });
    scan('杭州 Hangzhou');
    scan('杭州 Hangzhou');
    scan('上海 Shanghai');
    scan('北京 Beijing');
    expect((c.query('item', { id: tinKey(1) }) as { scans: unknown }).scans).toEqual({
      count: 4,
      places: ['杭州 Hangzhou', '上海 Shanghai', '北京 Beijing'],
      distinct: 3,
      flagged: false,
    });
    const r = scan('广州 Guangzhou');
    expect(r.receipts[0]?.events.map((e) => e.name)).toEqual(['scanned', 'flagged']);
    const s = (c.query('item', { id: tinKey(1) }) as { scans: { flagged: boolean; distinct: number } }).scans;
    expect(s).toMatchObject({ flagged: true, distinct: 4 });
    // Flagged once; later scans count on.
    expect(scan('深圳 Shenzhen').receipts[0]?.events.map((e) => e.name)).toEqual(['scanned']);
  });

  it('a code that is not on the ledger: TRACE_UNKNOWN_ID', async () => {
    const c = await TeaChain.registered();
    c.refused('shop', 'scan', { key: tinKey(99), place: 'x' }, 'TRACE_UNKNOWN_ID');
  });
});

/** A tin taken out of the case (AggregationEvent DELETE, unpacking) by `step`'s recorder. */
const unpackEvent = (tin: number, time: string) => ({
  type: 'AggregationEvent',
  eventTime: time,
  eventTimeZoneOffset: '+08:00',
  action: 'DELETE',
  bizStep: 'unpacking',
  readPoint: { id: `https://id.gs1.org/414/${TEA.gln.shop}` },
  parentID: `https://id.gs1.org/00/${TEA.sscc}`,
  childEPCs: [tinUri(tin)],
});
const season = teaSeason();
const recordedUpTo = new WeakMap<TeaChain, number>();
/** Record the season's events up to (not including) index `n`, from where the chain is. */
const upTo = (c: TeaChain, n: number) => {
  for (const [who, e] of season.slice(recordedUpTo.get(c) ?? 0, n)) {
    const r = c.record(who, e);
    expect(r.receipts[0]?.status, r.receipts[0]?.message).toBe('ok');
  }
  recordedUpTo.set(c, n);
};
const ship = (step: 'shipping' | 'receiving', time: string) =>
  handoverEvent({
    step,
    gtin: TEA.gtin.fresh,
    lot: TEA.lots.fresh,
    kg: 48,
    from: 'garden',
    to: 'factory',
    time,
  });

describe('trace.record: chain of custody (each refused with its code, nothing written)', () => {
  it('only the holder transforms; receiving needs a shipment; shipped goods are not the shipper’s to use', async () => {
    const c = await TeaChain.registered();
    upTo(c, 1); // picked: the garden holds the fresh lot
    const fire = season[3]?.[1] as Record<string, unknown>;
    const r0 = c.call('factory', 'record', TeaChain.args(fire));
    expect(r0.receipts[0]?.status).toBe('TRACE_NOT_CUSTODIAN');
    c.refused('factory', 'record', TeaChain.args(fire), 'TRACE_NOT_CUSTODIAN');
    c.refused(
      'factory',
      'record',
      TeaChain.args(ship('receiving', '2025-04-02T08:00:00+08:00')),
      'TRACE_NOT_SHIPPED',
    );
    c.refused(
      'logistics',
      'record',
      TeaChain.args(ship('shipping', '2025-04-02T08:30:00+08:00')),
      'TRACE_NOT_CUSTODIAN',
    );
    upTo(c, 2); // shipped by the garden
    c.refused(
      'garden',
      'record',
      TeaChain.args(ship('shipping', '2025-04-02T09:30:00+08:00')),
      'TRACE_IN_TRANSIT',
    );
    c.refused('factory', 'record', TeaChain.args(fire), 'TRACE_NOT_CUSTODIAN');
    // An observation needs no custody.
    const look = { ...ship('shipping', '2025-04-02T09:40:00+08:00'), bizStep: 'inspecting' };
    expect(c.record('garden', look).receipts[0]?.status).toBe('ok');
    upTo(c, 4); // received and fired by the factory
    const fresh = c.query('item', { id: freshKey }) as { item: { custodian: string; transit?: unknown } };
    expect(fresh.item.custodian).toBe('longjing-factory');
    expect(fresh.item.transit).toBeUndefined();
  });

  it('a packed tin moves with its case; the case’s holder sells or unpacks it; a voided shipment returns', async () => {
    const c = await TeaChain.registered();
    upTo(c, 8); // tins packed in the case, held by the packer
    const tinAlone = {
      ...caseEvent('shipping', '2025-04-05T16:00:00+08:00', 'pickup'),
      epcList: [tinUri(2)],
    };
    c.refused('packer', 'record', TeaChain.args(tinAlone), 'TRACE_IN_CONTAINER');
    upTo(c, 11); // the case shipped by the carrier, not yet at the shop
    c.refused(
      'shop',
      'record',
      TeaChain.args(saleEvent(1, '2025-04-06T12:00:00+08:00')),
      'TRACE_NOT_CUSTODIAN',
    );
    c.refused(
      'shop',
      'record',
      TeaChain.args(unpackEvent(2, '2025-04-06T12:00:00+08:00')),
      'TRACE_NOT_CUSTODIAN',
    );
    const voided = { ...caseEvent('shipping', '2025-04-06T09:00:00+08:00'), bizStep: 'void_shipping' };
    expect(c.record('logistics', voided).receipts[0]?.status).toBe('ok');
    c.refused(
      'shop',
      'record',
      TeaChain.args(season[11]?.[1] as Record<string, unknown>),
      'TRACE_NOT_SHIPPED',
    );
    c.refused(
      'logistics',
      'record',
      TeaChain.args({ ...voided, eventTime: '2025-04-06T09:30:00+08:00' }),
      'TRACE_NOT_SHIPPED',
    );
    expect(
      c.record('logistics', { ...caseEvent('shipping', '2025-04-06T10:00:00+08:00') }).receipts[0]?.status,
    ).toBe('ok');
    expect(c.record('shop', caseEvent('receiving', '2025-04-07T10:00:00+08:00')).receipts[0]?.status).toBe(
      'ok',
    );
    // The shop unpacks tin 2 (now loose, the shop's) and sells it; the packer cannot unpack at the shop.
    c.refused(
      'packer',
      'record',
      TeaChain.args(unpackEvent(3, '2025-04-07T11:00:00+08:00')),
      'TRACE_NOT_CUSTODIAN',
    );
    expect(c.record('shop', unpackEvent(2, '2025-04-07T11:00:00+08:00')).receipts[0]?.status).toBe('ok');
    const tin = c.query('item', { id: tinKey(2) }) as { item: { custodian: string; packed: boolean } };
    expect(tin.item).toMatchObject({ custodian: 'hefang-shop', packed: false });
    expect(c.record('shop', saleEvent(2, '2025-04-07T12:00:00+08:00')).receipts[0]?.status).toBe('ok');
  });
});

describe('trace.record: AssociationEvent (EPCIS 2.0 §7.4.5)', () => {
  /** The GS1 examples' events (testdata), recorded by an asset manager registered for their steps. */
  const example = (x: string): Record<string, unknown> => {
    const doc = JSON.parse(
      readFileSync(
        new URL(`../vectors/epcis/examples/AssociationEvent-${x}.jsonld`, import.meta.url),
        'utf8',
      ),
    ) as { epcisBody: { eventList: Record<string, unknown>[] } };
    return doc.epcisBody.eventList[0] as Record<string, unknown>;
  };
  const assets = async () => {
    const c = await TeaChain.registered();
    c.ok('admin', 'registerParticipant', {
      id: 'asset-co',
      name: 'Returnable assets',
      kind: 'other',
      accounts: [c.addr('admin')],
      bizSteps: ['assembling', 'installing', 'removing', 'disassembling'],
    });
    return c;
  };

  it('ADD, DELETE of the children named, DELETE of all: the associations follow (GS1 examples a, c, d)', async () => {
    const c = await assets();
    expect(c.record('admin', example('a')).receipts[0]?.status).toBe('ok');
    const childKey = (TeaChain.args(example('a')).ids as { role: string; key: string }[]).find(
      (i) => i.role === 'child',
    )?.key;
    expect(childKey).toBeDefined();
    expect(c.record('admin', example('c')).receipts[0]?.status).toBe('ok'); // removed
    c.refused('admin', 'record', TeaChain.args(example('d')), 'TRACE_NOT_ASSOCIATED'); // nothing left
    expect(c.record('admin', example('e')).receipts[0]?.status).toBe('ok'); // two lots associated
    expect(c.record('admin', example('d')).receipts[0]?.status).toBe('ok'); // all disassociated
    expect(c.record('admin', example('a')).receipts[0]?.status).toBe('TRACE_EVENT_EXISTS');
  });

  it('refuses: no child on ADD, a child of another parent, OBSERVE or DELETE of a child not associated', async () => {
    const c = await assets();
    const a = example('a');
    // GS1's schema refuses an ADD without children; the ledger re-checks the arguments itself.
    const args = TeaChain.args(a);
    const ids = args.ids as CborMap[];
    c.refused(
      'admin',
      'record',
      { ...args, ids: ids.filter((i) => i.role === 'parent') },
      'TRACE_BAD_ASSOCIATION',
    );
    expect(c.record('admin', a).receipts[0]?.status).toBe('ok');
    const other = {
      ...a,
      parentID: 'urn:epc:id:grai:4012345.55555.988',
      eventTime: '2019-11-01T14:00:00.000+01:00',
    };
    c.refused('admin', 'record', TeaChain.args(other), 'TRACE_ALREADY_ASSOCIATED');
    const observe = {
      ...a,
      action: 'OBSERVE',
      bizStep: 'installing',
      childEPCs: ['urn:epc:id:giai:4000001.99999'],
    };
    c.refused('admin', 'record', TeaChain.args(observe), 'TRACE_NOT_ASSOCIATED');
    expect(c.record('admin', { ...observe, childEPCs: a.childEPCs }).receipts[0]?.status).toBe('ok');
    const del = { ...a, action: 'DELETE', bizStep: 'removing', childEPCs: ['urn:epc:id:giai:4000001.99999'] };
    c.refused('admin', 'record', TeaChain.args(del), 'TRACE_NOT_ASSOCIATED');
  });
});
