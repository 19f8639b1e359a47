import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { encodeCanonical, toHex, utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import {
  type DatasetJson,
  type DeliveryJson,
  datashareModule,
  type RequestJson,
} from '../../src/modules/datashare/index.js';
import { MemoryChain } from '../../src/testing/index.js';

const suite = getSuite('ed25519');

/** The datashare module on an in-memory chain; each department's account holds org:<dept>. */
class Net {
  readonly mc = new MemoryChain({ suite, modules: [datashareModule], timestamp: 1_767_225_600_000 });
  private readonly keys = new Map<string, KeyPair>();
  constructor(depts: readonly string[]) {
    for (const d of depts) {
      this.mc.state.set(`governance/roles/${this.addr(d)}`, encodeCanonical(['org', `org:${d}`]));
    }
  }
  key(name: string): KeyPair {
    let k = this.keys.get(name);
    if (!k) {
      k = suite.generateKeyPair();
      this.keys.set(name, k);
    }
    return k;
  }
  addr(name: string): string {
    return suite.address(this.key(name).publicKey);
  }
  call(who: string, method: string, args: CborMap, timestamp?: number): string {
    const res = this.mc.run([this.mc.tx(this.key(who), 'datashare', method, args)], timestamp);
    return res.receipts[0]?.status ?? 'dropped';
  }
  ok(who: string, method: string, args: CborMap): void {
    const s = this.call(who, method, args);
    if (s !== 'ok') throw new Error(`${method} by ${who}: ${s}`);
  }
  snapshot(): string {
    return JSON.stringify([...this.mc.state].map(([k, v]) => [k, toHex(v)]));
  }
  refused(who: string, method: string, args: CborMap, code: string, timestamp?: number): void {
    const before = this.snapshot();
    expect(this.call(who, method, args, timestamp)).toBe(code);
    expect(this.snapshot()).toBe(before);
  }
  q<T>(name: string, args: Record<string, string>): T {
    return this.mc.query('datashare', name, args) as T;
  }
}

const FIELDS = [
  { name: 'idHash', type: 'string' },
  { name: 'district', type: 'string' },
  { name: 'registeredOn', type: 'date' },
];

function published(): { net: Net; digest: Uint8Array } {
  const net = new Net(['police', 'civil', 'social']);
  net.ok('police', 'publish', {
    id: 'household-register',
    title: 'Household registration (pseudonymised)',
    owner: 'police',
    fields: FIELDS,
    class: 'conditional',
    legalBasis: 'Household Registration Regulations art. 3',
    frequency: 'daily',
  });
  net.ok('police', 'publish', {
    id: 'criminal-records',
    title: 'Criminal records',
    owner: 'police',
    fields: [{ name: 'idHash', type: 'string' }],
    class: 'not-shared',
    legalBasis: 'Criminal Procedure Law',
    frequency: 'daily',
  });
  const digest = suite.hash(utf8('version-1 bytes'));
  net.ok('police', 'addVersion', { dataset: 'household-register', digest, size: 15 });
  return { net, digest };
}

const requestArgs = (extra: CborMap = {}): CborMap => ({
  dataset: 'household-register',
  dept: 'civil',
  fields: ['idHash', 'district'],
  purpose: 'marriage registration: check residence',
  legalBasis: 'Marriage Registration Regulations art. 5',
  ...extra,
});

describe('datashare: catalogue, grants, deliveries, audit', () => {
  it('runs request → grant → delivery → confirm, then refuses after revocation', () => {
    const { net, digest } = published();
    const ds = net.q<DatasetJson>('dataset', { dataset: 'household-register' });
    expect(ds).toMatchObject({ owner: 'police', class: 'conditional', latest: 1 });
    expect(ds.versions[0]).toMatchObject({ version: 1, digest: toHex(digest), size: 15 });
    net.ok('civil', 'request', requestArgs());
    const now = net.mc.head.timestamp;
    net.refused('civil', 'grant', { request: 1, expiresAt: now + 60_000 }, 'DATASHARE_NOT_OWNER');
    net.refused('police', 'grant', { request: 1, expiresAt: now }, 'DATASHARE_BAD_EXPIRY');
    net.refused(
      'police',
      'grant',
      { request: 1, expiresAt: now + 60_000, fields: ['registeredOn'] },
      'DATASHARE_BAD_FIELDS',
    );
    net.refused('civil', 'deliver', { request: 1, version: 1 }, 'DATASHARE_NOT_GRANTED');
    net.ok('police', 'grant', { request: 1, expiresAt: now + 3_600_000, fields: ['idHash'] });
    expect(net.q<RequestJson>('request', { request: '1' })).toMatchObject({
      status: 'granted',
      scope: ['idHash'],
    });
    net.refused('social', 'deliver', { request: 1, version: 1 }, 'DATASHARE_NOT_MEMBER');
    net.refused('civil', 'deliver', { request: 1, version: 2 }, 'DATASHARE_NO_VERSION');
    net.ok('civil', 'deliver', { request: 1, version: 1 });
    const d = net.q<DeliveryJson>('delivery', { delivery: '1' });
    expect(d).toMatchObject({
      request: 1,
      version: 1,
      digest: toHex(digest),
      owner: 'police',
      grantee: 'civil',
      account: net.addr('civil'),
    });
    net.refused(
      'civil',
      'confirm',
      { delivery: 1, digest: suite.hash(utf8('tampered')) },
      'DATASHARE_DIGEST_MISMATCH',
    );
    net.refused('police', 'confirm', { delivery: 1, digest }, 'DATASHARE_NOT_MEMBER');
    net.ok('civil', 'confirm', { delivery: 1, digest });
    net.refused('civil', 'confirm', { delivery: 1, digest }, 'DATASHARE_CONFIRMED');
    net.refused('civil', 'revoke', { request: 1, reason: 'x' }, 'DATASHARE_NOT_OWNER');
    net.ok('police', 'revoke', { request: 1, reason: 'purpose fulfilled' });
    net.refused('civil', 'deliver', { request: 1, version: 1 }, 'DATASHARE_REVOKED');
    for (const [k, id] of [
      ['dataset', 'household-register'],
      ['dept', 'police'],
      ['dept', 'civil'],
    ] as const) {
      const a = net.q<{ total: number; deliveries: DeliveryJson[] }>('audit', { [k]: id });
      expect(a.total).toBe(1);
      expect(a.deliveries[0]?.confirmed).toBeDefined();
    }
    expect(net.q<{ total: number }>('audit', { dept: 'social' }).total).toBe(0);
  });

  it('refuses a not-shared dataset, unknown fields, expired and exhausted grants', () => {
    const { net } = published();
    net.refused(
      'civil',
      'request',
      requestArgs({ dataset: 'criminal-records', fields: ['idHash'] }),
      'DATASHARE_NOT_SHARED',
    );
    net.refused('civil', 'request', requestArgs({ fields: ['name'] }), 'DATASHARE_BAD_FIELDS');
    net.refused('civil', 'request', requestArgs({ dept: 'social' }), 'DATASHARE_NOT_MEMBER');
    net.refused('civil', 'request', requestArgs({ dataset: 'nope' }), 'DATASHARE_NOT_FOUND');
    net.refused(
      'social',
      'publish',
      {
        id: 'x',
        title: 'x',
        owner: 'police',
        fields: FIELDS,
        class: 'open',
        legalBasis: 'x',
        frequency: 'x',
      },
      'DATASHARE_NOT_OWNER',
    );
    net.refused(
      'police',
      'publish',
      {
        id: 'household-register',
        title: 'x',
        owner: 'police',
        fields: FIELDS,
        class: 'open',
        legalBasis: 'x',
        frequency: 'x',
      },
      'DATASHARE_EXISTS',
    );
    net.refused(
      'civil',
      'addVersion',
      { dataset: 'household-register', digest: new Uint8Array(32), size: 1 },
      'DATASHARE_NOT_OWNER',
    );
    net.ok('civil', 'request', requestArgs());
    const now = net.mc.head.timestamp;
    net.ok('police', 'grant', { request: 1, expiresAt: now + 10_000, maxDeliveries: 1 });
    net.refused('police', 'refuse', { request: 1, reason: 'late' }, 'DATASHARE_NOT_PENDING');
    net.ok('civil', 'deliver', { request: 1, version: 1 });
    net.refused('civil', 'deliver', { request: 1, version: 1 }, 'DATASHARE_LIMIT');
    net.ok('civil', 'request', requestArgs());
    net.ok('police', 'grant', { request: 2, expiresAt: net.mc.head.timestamp + 10_000 });
    // A block 10 s later: the grant has expired.
    net.refused(
      'civil',
      'deliver',
      { request: 2, version: 1 },
      'DATASHARE_EXPIRED',
      net.mc.head.timestamp + 10_000,
    );
    net.ok('civil', 'request', requestArgs());
    net.ok('police', 'refuse', { request: 3, reason: 'no legal basis for this field' });
    expect(net.q<RequestJson>('request', { request: '3' })).toMatchObject({
      status: 'refused',
      decided: { reason: 'no legal basis for this field' },
    });
    net.refused('civil', 'deliver', { request: 3, version: 1 }, 'DATASHARE_NOT_GRANTED');
  });

  it('answers instead of data: a yes/no on a not-shared dataset, logged by digest', () => {
    const { net } = published();
    net.refused(
      'civil',
      'request',
      requestArgs({ dataset: 'criminal-records', fields: [], kind: 'answer' }),
      'EXEC_BAD_ARGS',
    );
    net.ok(
      'civil',
      'request',
      requestArgs({
        dataset: 'criminal-records',
        fields: [],
        kind: 'answer',
        question: 'has subject 3f2a… a record?',
      }),
    );
    const statement = suite.hash(utf8('{"answer":"no"}'));
    net.refused('civil', 'answer', { request: 1, digest: statement }, 'DATASHARE_NOT_OWNER');
    net.refused('civil', 'deliver', { request: 1, version: 1 }, 'DATASHARE_WRONG_KIND');
    net.ok('police', 'answer', { request: 1, digest: statement });
    expect(net.q<DeliveryJson>('delivery', { delivery: '1' })).toMatchObject({
      version: 0,
      digest: toHex(statement),
      account: net.addr('police'),
    });
    expect(net.q<RequestJson>('request', { request: '1' }).status).toBe('granted');
  });
});
