import { join } from 'node:path';
import { pino } from 'pino';
import { type CryptoSuite, getSuite, type KeyPair } from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import { formatDigitalLink, lotKey, serialKey } from '../epcis/index.js';
import { GongzhiError } from '../errors/index.js';
import {
  type CborMap,
  DEFAULT_PARAMS,
  encodeTx,
  type Genesis,
  type Receipt,
  signTx,
} from '../ledger/index.js';
import { DEFAULT_PERMISSIONS, GongzhiNode, type GroupLedger } from '../node/index.js';
import { type RecordedEvent, signRecords, TraceRecorder } from '../node/trace-recorder.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../storage/index.js';
import type { Demo, DemoContext } from './demo.js';
import {
  caseEvent,
  epcisDocument,
  handoverEvent,
  PARTY_GLN,
  pickingEvent,
  TEA,
  TEA_GARDEN,
  TEA_PARTIES,
  TEA_PRODUCTS,
  teaSeason,
  tinSerial,
} from './tea-story.js';

export type TeaParty = keyof typeof TEA_PARTIES;

/**
 * A one-node consortium of the tea story's organisations (the association holds `trace-admin`),
 * with the node's document store: events are recorded the way a recording node does it
 * (validated, hashed, summarised, signed, checked, submitted, documents kept).
 */
export class TeaNet {
  private nonce = 0;

  constructor(
    readonly node: GongzhiNode,
    readonly group: GroupLedger,
    readonly suite: CryptoSuite,
    readonly keys: ReadonlyMap<TeaParty, KeyPair>,
    readonly recorder: TraceRecorder,
  ) {}

  static async start(ctx: Pick<DemoContext, 'dataDir'>, o: { maxScanPlaces?: number } = {}): Promise<TeaNet> {
    const suite = getSuite('ed25519');
    const parties = Object.keys(TEA_PARTIES) as TeaParty[];
    const keys = new Map(parties.map((p) => [p, suite.generateKeyPair()] as const));
    const key = (p: TeaParty) => keys.get(p) as KeyPair;
    const nodeKey = suite.generateKeyPair();
    const genesis: Genesis = {
      chain: 'longjing',
      group: 'main',
      suite: 'ed25519',
      timestamp: Date.now() - 86_400_000,
      params: { ...DEFAULT_PARAMS, blockIntervalMs: 20 },
      orgs: parties.map((p, i) => ({
        id: TEA_PARTIES[p].id,
        name: TEA_PARTIES[p].name,
        admins: [toHex(key(p).publicKey)],
        nodes: i === 0 ? [{ id: 'assoc-node', publicKey: toHex(nodeKey.publicKey) }] : [],
      })),
      committee: { members: [{ account: suite.address(key('admin').publicKey), weight: 1 }], threshold: 51 },
      roles: {
        [suite.address(key('admin').publicKey)]: ['trace-admin'],
        // The association's node resolves the codes and records the consumer scans it sees.
        [suite.address(nodeKey.publicKey)]: ['trace-resolver'],
      },
      permissions: DEFAULT_PERMISSIONS,
      ...(o.maxScanPlaces === undefined ? {} : { modules: { trace: { maxScanPlaces: o.maxScanPlaces } } }),
    };
    const node = await GongzhiNode.start({
      nodeId: 'assoc-node',
      org: TEA_PARTIES.admin.id,
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir: ctx.dataDir,
      logger: pino({ level: 'silent' }),
    });
    const group = node.group('main');
    const store = TraceDocumentStore.open(join(ctx.dataDir, TRACE_DOCUMENTS_FILE));
    return new TeaNet(node, group, suite, keys, new TraceRecorder(group, store));
  }

  address(p: TeaParty): string {
    return this.suite.address((this.keys.get(p) as KeyPair).publicKey);
  }

  private nextNonce = (): string => `tea-${this.nonce++}-${Date.now()}`;

  /** One call by `p`; its receipt. */
  async send(p: TeaParty, method: string, args: CborMap): Promise<Receipt> {
    const k = this.keys.get(p) as KeyPair;
    const g = this.group;
    const tx = signTx(this.suite, k.secretKey, {
      chain: g.chain,
      group: g.group,
      sender: k.publicKey,
      nonce: this.nextNonce(),
      validUntil: g.latest.height + 500,
      module: 'trace',
      method,
      args,
    });
    const [r] = await g.submit([encodeTx(tx)]);
    if (r === undefined || 'error' in r) throw r?.error ?? new Error('submit failed');
    return (await g.waitForCommit(r.hash, 30_000)).receipt;
  }

  async ok(p: TeaParty, method: string, args: CborMap): Promise<Receipt> {
    const r = await this.send(p, method, args);
    if (r.status !== 'ok') {
      throw new GongzhiError('EXEC_INTERNAL', `${p} trace.${method} failed: ${r.status}`, {
        message: r.message ?? '',
      });
    }
    return r;
  }

  /** The association registers the parties, the West Lake garden and the products. */
  async register(): Promise<void> {
    for (const p of ['garden', 'outsider', 'factory', 'packer', 'logistics', 'shop'] as const) {
      const party = TEA_PARTIES[p];
      await this.ok('admin', 'registerParticipant', {
        id: party.id,
        name: party.name,
        kind: party.kind,
        accounts: [this.address(p)],
        publish: true,
        // The party GLN its shipments are addressed to (the outsider ships nothing).
        ...(p === 'outsider' ? {} : { gln: PARTY_GLN[p] }),
      });
    }
    await this.ok('admin', 'registerGarden', {
      ...TEA_GARDEN,
      owner: TEA_PARTIES.garden.id,
      gln: TEA.gln.garden,
    });
    for (const { key, ...rest } of TEA_PRODUCTS) {
      await this.ok('admin', 'registerProduct', { ...rest, gtin: TEA.gtin[key] } as CborMap);
    }
  }

  /** `p` records `events` as one EPCIS document. */
  record(p: TeaParty, events: readonly Record<string, unknown>[]): Promise<RecordedEvent[]> {
    return this.recorder.recordAs(epcisDocument(events), this.keys.get(p) as KeyPair, this.nextNonce);
  }

  /** `p`'s signed `trace.record` transactions for `doc` (to post to a node's trace endpoint). */
  sign(p: TeaParty, doc: unknown): Uint8Array[] {
    return signRecords(this.group, doc, this.keys.get(p) as KeyPair, this.nextNonce);
  }

  /** A consumer scan of tin `i`, recorded by the resolver (the association's node). */
  scan(i: number, place: string): Promise<Receipt> {
    return this.send('admin', 'scan', { key: serialKey(TEA.gtin.tin, tinSerial(i)), place });
  }

  query(name: string, args: Record<string, unknown> = {}): unknown {
    return this.group.query('trace', name, args);
  }

  async stop(): Promise<void> {
    this.recorder.store.close();
    await this.node.close();
  }
}

/** Record the genuine season (registry first); the recorded events in order. */
export async function recordTeaSeason(net: TeaNet): Promise<RecordedEvent[]> {
  await net.register();
  const out: RecordedEvent[] = [];
  for (const [who, e] of teaSeason()) {
    const [r] = await net.record(who, [e]);
    if (r === undefined || r.status !== 'ok') {
      throw new GongzhiError('EXEC_INTERNAL', `${who} could not record: ${r?.status} ${r?.message ?? ''}`);
    }
    out.push(r);
  }
  return out;
}

/** The second picking of the demo: 20 kg, well within the garden's capacity. */
const SECOND_PICK = { gtin: TEA.gtin.fresh, lot: 'SF250406', kg: 20 } as const;

/**
 * A shipment received by a party it does not name: the garden picks a second batch and ships it
 * to the factory (its destinationList names the factory's party GLN); the packer, which may
 * record receiving, takes it in — refused with TRACE_NOT_DESTINATION, the lot still in transit to
 * the factory — then the factory receives it. The statuses, and the lot as it stood after the
 * refusal (custodian and transit destination).
 */
async function misdelivery(net: TeaNet): Promise<{
  refused: string | undefined;
  received: string | undefined;
  heldWhileRefused: { custodian: string; to: string | undefined };
}> {
  const leg = (step: 'shipping' | 'receiving', to: 'factory' | 'packer', time: string) =>
    handoverEvent({ step, ...SECOND_PICK, from: 'garden', to, time });
  const picked = await net.record('garden', [
    pickingEvent({ lot: SECOND_PICK.lot, kg: SECOND_PICK.kg, time: '2025-04-06T06:30:00+08:00' }),
  ]);
  const shipped = await net.record('garden', [leg('shipping', 'factory', '2025-04-06T09:00:00+08:00')]);
  for (const r of [...picked, ...shipped]) {
    if (r.status !== 'ok') throw new GongzhiError('EXEC_INTERNAL', `second picking: ${r.status}`);
  }
  const [refused] = await net.record('packer', [leg('receiving', 'packer', '2025-04-06T11:00:00+08:00')]);
  const lot = net.query('item', { id: lotKey(SECOND_PICK.gtin, SECOND_PICK.lot) }) as {
    item: { custodian: string; transit?: { to?: string } };
  };
  const [received] = await net.record('factory', [leg('receiving', 'factory', '2025-04-06T11:30:00+08:00')]);
  return {
    refused: refused?.status,
    received: received?.status,
    heldWhileRefused: { custodian: lot.item.custodian, to: lot.item.transit?.to },
  };
}

/**
 * West Lake Longjing: a season of one registered garden on the ledger — picking with sensor
 * readings, pan-firing, 250 g tins, a case shipped to a tea shop, a sale, consumer scans, the
 * goods handed over holder to holder (chain of custody) — and four frauds caught: a counterfeit
 * batch from a garden outside the register, a batch beyond the garden's capacity, a case shipped
 * by a party that no longer holds it, a shipment taken in by a party it is not addressed to, and a
 * cloned tin code seen in too many cities.
 */
export const teaDemo: Demo = {
  name: 'tea',
  description:
    'West Lake Longjing: EPCIS events with canonical hashes, origin and capacity rules, cloned codes',
  async run(ctx) {
    const net = await TeaNet.start(ctx);
    try {
      const season = await recordTeaSeason(net);
      ctx.log(
        `association registered the garden (${TEA_GARDEN.areaM2} m² × ${TEA_GARDEN.yieldGramsPerM2} g/m² = 1,200 kg of leaf per season), the co-op, factory, packer, logistics, shop and 3 products`,
      );
      const steps = [
        'picked 48 kg (soil and air sensors)',
        'fresh leaf shipped to the factory',
        'received by the factory',
        'pan-fired into 11 kg',
        'dry tea shipped to the packer',
        'received by the packer',
        'packed 40 × 250 g tins',
        'cased',
        'case handed to the carrier',
        'received by the carrier',
        'shipped to the shop',
        'received by the shop',
        'sold tin 0001',
      ];
      season.forEach((r, i) => {
        ctx.log(`${steps[i]}: ${r.hash.slice(0, 40)}… at height ${r.height}`);
      });

      const [fake] = await net.record('outsider', [
        pickingEvent({
          lot: 'YH250403',
          kg: 300,
          time: '2025-04-03T06:00:00+08:00',
          gardenGln: TEA.gln.outsideGarden,
        }),
      ]);
      ctx.log(`counterfeit batch from a garden outside the register: refused ${fake?.status}`);
      const [over] = await net.record('garden', [
        pickingEvent({ lot: 'SF250405', kg: 1200, time: '2025-04-05T06:00:00+08:00' }),
      ]);
      ctx.log(`1,200 kg more from the registered garden (48 kg already picked): refused ${over?.status}`);
      // The packer no longer holds the case: it cannot ship it again (a diverted consignment).
      const [diverted] = await net.record('packer', [
        caseEvent('shipping', '2025-04-08T09:00:00+08:00', 'pickup'),
      ]);
      ctx.log(`the packer ships the case the shop now holds: refused ${diverted?.status}`);
      const wrongReceiver = await misdelivery(net);
      ctx.log(
        `a second picking (20 kg) shipped to the factory, taken in by the packer: refused ${wrongReceiver.refused}; received by the factory: ${wrongReceiver.received}`,
      );

      await net.scan(1, '杭州 Hangzhou');
      const flags: string[] = [];
      for (const city of ['上海 Shanghai', '北京 Beijing', '广州 Guangzhou']) {
        const r = await net.scan(1, city);
        if (r.events.some((e) => e.name === 'flagged')) flags.push(city);
      }
      const tin = net.query('item', { id: serialKey(TEA.gtin.tin, tinSerial(1)) }) as {
        scans: { count: number; distinct: number; flagged: boolean; places: string[] };
      };
      ctx.log(
        `tin 0001 scanned in ${tin.scans.distinct} cities: ${tin.scans.flagged ? `flagged as a cloned code (at ${flags[0]})` : 'not flagged'}`,
      );

      const trace = net.query('trace', { id: serialKey(TEA.gtin.tin, tinSerial(1)) }) as {
        events: { hash: string }[];
        gardens: { id: string }[];
      };
      const verified = trace.events.filter((e) => net.recorder.served(e.hash).matches).length;
      ctx.log(
        `consumer view of tin 0001: ${trace.events.length} events back to ${trace.gardens[0]?.id}, ${verified} re-hashed and matching the ledger`,
      );
      return {
        recorded: season.length,
        stored: season.filter((r) => r.stored).length,
        counterfeit: fake?.status,
        overCapacity: over?.status,
        notCustodian: diverted?.status,
        notDestination: wrongReceiver.refused,
        addresseeReceived: wrongReceiver.received,
        heldWhileRefused: wrongReceiver.heldWhileRefused,
        scans: tin.scans.count,
        places: tin.scans.places,
        flagged: tin.scans.flagged,
        traceEvents: trace.events.length,
        verified,
        gardens: trace.gardens.map((g) => g.id),
        link: formatDigitalLink(
          { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(1) },
          'http://127.0.0.1:8545',
        ),
      };
    } finally {
      await net.stop();
    }
  },
};

/**
 * Seed `npm start`'s demo node with the tea story, so its consumer page opens at once: the demo
 * committee votes the civil-affairs bureau `trace-admin`, opens `trace.record` to any account
 * (the module itself admits only registered participants) and gives the node's own account
 * `trace-resolver` (its resolver records the consumer scans it sees); the bureau registers the story's
 * parties (fresh keys, demo only), garden and products; the season is recorded on the node's
 * first group with its documents kept; tin 0001 is scanned in four cities (flagged). Returns the
 * consumer page path (also on a restart), or undefined when skipped (an older genesis without
 * trace permissions, or a registry without the story).
 */
export async function seedTeaDemo(
  node: GongzhiNode,
  committee: readonly KeyPair[],
  log: (m: string) => void,
): Promise<string | undefined> {
  const groupId = node.groupIds()[0];
  if (groupId === undefined) return undefined;
  const group = node.group(groupId);
  const reg = group.query('trace', 'participants', {}) as { participants: unknown[] };
  const perms = group.query('governance', 'permissions', {}) as Record<string, string[]>;
  const path = `/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(1)}`;
  if (reg.participants.length > 0) {
    // Seeded before (a restart): the page is there if the story is.
    const seeded = (group.query('trace', 'lots', {}) as { total: number }).total > 0;
    return seeded ? path : undefined;
  }
  if (perms['trace.registerParticipant'] === undefined) return undefined;
  const suite = group.suite;
  const [admin, ...voters] = committee;
  if (admin === undefined) return undefined;
  let nonce = 0;
  const send = async (k: KeyPair, module: string, method: string, args: CborMap): Promise<Receipt> => {
    const tx = signTx(suite, k.secretKey, {
      chain: group.chain,
      group: group.group,
      sender: k.publicKey,
      nonce: `tea-seed-${Date.now()}-${nonce++}`,
      validUntil: group.latest.height + 500,
      module,
      method,
      args,
    });
    const [r] = await group.submit([encodeTx(tx)]);
    if (r === undefined || 'error' in r) throw r?.error ?? new Error('submit failed');
    const c = (await group.waitForCommit(r.hash, 30_000)).receipt;
    if (c.status !== 'ok')
      throw new GongzhiError('EXEC_INTERNAL', `tea seed ${module}.${method}: ${c.status}`);
    return c;
  };
  const vote = async (action: CborMap): Promise<void> => {
    const p = await send(admin, 'governance', 'propose', { action });
    if (p.events.some((e) => e.name === 'executed')) return;
    const id = p.events.find((e) => e.name === 'proposed')?.data.id as number;
    for (const v of voters) {
      const r = await send(v, 'governance', 'vote', { id, approve: true });
      if (r.events.some((e) => e.name === 'executed')) return;
    }
  };
  await vote({ type: 'grantRole', account: suite.address(admin.publicKey), role: 'trace-admin' });
  await vote({ type: 'setPermission', method: 'trace.record', roles: ['*'] });
  // The node's resolver records consumer scans as the node (src/node/trace-scans.ts).
  await vote({
    type: 'grantRole',
    account: suite.address(node.nodeKey().publicKey),
    role: 'trace-resolver',
  });
  const parties = new Map<TeaParty, KeyPair>([['admin', admin]]);
  for (const p of Object.keys(TEA_PARTIES) as TeaParty[])
    if (p !== 'admin') parties.set(p, suite.generateKeyPair());
  const store = TraceDocumentStore.open(join(node.opts.dataDir, TRACE_DOCUMENTS_FILE));
  try {
    const net = new TeaNet(node, group, suite, parties, new TraceRecorder(group, store));
    await recordTeaSeason(net);
    for (const city of ['杭州 Hangzhou', '上海 Shanghai', '北京 Beijing', '广州 Guangzhou'])
      await net.scan(1, city);
  } finally {
    store.close();
  }
  log(`demo: tea story recorded in group ${group.group}; consumer page ${path}`);
  return path;
}
