import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { type CborValue, encodeCanonical, toHex } from '../../src/encoding/index.js';
import type { CheckContext } from '../../src/execution/index.js';
import { type CborMap, DEFAULT_PARAMS } from '../../src/ledger/index.js';
import { governanceAuthorizer } from '../../src/modules/governance/index.js';
import {
  formatDid,
  IDENTITY_PERMISSIONS,
  identityKeys,
  identityModule,
} from '../../src/modules/identity/index.js';
import { MapSource, StateOverlay } from '../../src/state/index.js';
import { MemoryChain } from '../../src/testing/index.js';

/**
 * The identity module on the kit: damaged stored records are CHAIN_INVALID (never defaults),
 * `check` writes nothing and a refused call changes nothing, and query parameters are read
 * strictly (EXEC_BAD_ARGS, or IDENTITY_BAD_DID).
 */

const suite = getSuite('ed25519');
const key = (n: number): KeyPair => {
  const secretKey = new Uint8Array(32).fill(n);
  return { secretKey, publicKey: suite.publicKeyFromSecret(secretKey) };
};
const addr = (kp: KeyPair): string => suite.address(kp.publicKey);
const didOf = (kp: KeyPair): string => formatDid('test', 'g1', addr(kp));
const SCHEMA = JSON.stringify({ type: 'object', properties: { name: { type: 'string' } } });

const registrar = key(1);
const alice = key(2);
const bob = key(3);

/** A chain where alice is a recognised university with a schema and a status list, bob a plain DID. */
function chain(): MemoryChain {
  const mc = new MemoryChain({
    suite,
    modules: [identityModule],
    authorizer: governanceAuthorizer,
    params: DEFAULT_PARAMS,
    timestamp: 1_700_000_000_000,
    chain: 'test',
  });
  for (const [m, r] of Object.entries(IDENTITY_PERMISSIONS)) {
    mc.state.set(`governance/perm/${m}`, encodeCanonical([...r]));
  }
  mc.state.set(`governance/roles/${addr(registrar)}`, encodeCanonical(['identity-registrar']));
  const a = addr(alice);
  ok(mc, [
    [alice, 'create', { publicKey: alice.publicKey }],
    [bob, 'create', { publicKey: bob.publicKey }],
  ]);
  ok(mc, [
    [registrar, 'recognizeIssuer', { id: a, category: 'university' }],
    [alice, 'registerSchema', { schemaId: 2_000_001, issuer: a, name: 'Degree', schema: SCHEMA }],
    [alice, 'createStatusList', { issuer: a, list: 'rev', purpose: 'revocation' }],
  ]);
  ok(mc, [
    [alice, 'setStatus', { issuer: a, list: 'rev', indexes: [3], value: true }],
    [alice, 'setServices', { id: a, services: [] }],
  ]);
  return mc;
}

type Call = [KeyPair, string, CborMap];

function statuses(mc: MemoryChain, calls: readonly Call[]): string[] {
  return mc
    .runSigned(calls.map(([kp, m, args]) => mc.tx(kp, 'identity', m, args).tx))
    .receipts.map((r) => r.status);
}

function ok(mc: MemoryChain, calls: readonly Call[]): void {
  expect(statuses(mc, calls)).toEqual(calls.map(() => 'ok'));
}

function queryCode(mc: MemoryChain, name: string, args: Record<string, unknown>): string | undefined {
  try {
    mc.query('identity', name, args);
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

/** The identity entries of the state, hex-encoded, to compare before and after. */
function snapshot(mc: MemoryChain): Record<string, string> {
  return Object.fromEntries(
    [...mc.state].filter(([k]) => k.startsWith('identity/')).map(([k, v]) => [k, toHex(v)]),
  );
}

describe('identity: a stored record that does not decode is CHAIN_INVALID', () => {
  const a = addr(alice);
  const b = addr(bob);
  // [what, key, bad value, a call that reads it (if any), a query that reads it]
  type Bad = CborValue | ((stored: CborMap) => CborValue);
  const cases: [string, () => string, Bad, Call | undefined, [string, Record<string, unknown>]][] = [
    [
      'DID record',
      () => identityKeys.did(a),
      { id: a, did: didOf(alice) },
      [alice, 'setServices', { id: a, services: [] }],
      ['resolve', { did: didOf(alice) }],
    ],
    [
      'DID record with one bad field (a key type)',
      () => identityKeys.did(b),
      (stored) => ({
        ...stored,
        keys: (stored.keys as CborMap[]).map((k) => ({ ...k, type: 'rsa' })),
      }),
      [bob, 'deactivate', { id: b }],
      ['resolve', { did: didOf(bob) }],
    ],
    [
      'DID version',
      () => identityKeys.didVersion(a, 1),
      'not a record',
      // Past versions are read only by resolve-as-of; no method reads them.
      undefined,
      ['resolve', { did: didOf(alice), atHeight: 1 }],
    ],
    [
      'issuer periods',
      () => identityKeys.issuer(a, 'university'),
      [{ from: { height: 1 } }],
      [registrar, 'derecognizeIssuer', { id: a, category: 'university', reason: 'x' }],
      ['issuer', { did: didOf(alice), category: 'university' }],
    ],
    [
      'issuer index',
      () => identityKeys.issuerIndex('university'),
      ['not-a-did'],
      [registrar, 'recognizeIssuer', { id: b, category: 'university' }],
      ['issuers', { category: 'university' }],
    ],
    [
      'schema record',
      () => identityKeys.schema(2_000_001, 1),
      { schemaId: 2_000_001, version: 1 },
      [alice, 'registerSchema', { schemaId: 2_000_001, issuer: a, name: 'Degree', schema: SCHEMA }],
      ['schema', { schemaId: 2_000_001 }],
    ],
    [
      'schema latest counter',
      () => identityKeys.schemaLatest(2_000_001),
      'one',
      [alice, 'registerSchema', { schemaId: 2_000_001, issuer: a, name: 'Degree', schema: SCHEMA }],
      ['schema', { schemaId: 2_000_001 }],
    ],
    [
      'status list',
      () => identityKeys.statusList(a, 'rev'),
      { issuer: a, list: 'rev', purpose: 'revocation', size: 100 },
      [alice, 'setStatus', { issuer: a, list: 'rev', indexes: [1], value: true }],
      ['statusList', { did: didOf(alice), list: 'rev' }],
    ],
    [
      'status chunk',
      () => identityKeys.statusChunk(a, 'rev', 0),
      new Uint8Array(10),
      [alice, 'setStatus', { issuer: a, list: 'rev', indexes: [1], value: true }],
      ['status', { did: didOf(alice), list: 'rev', index: 1 }],
    ],
  ];

  it.each(cases)('%s: methods and queries refuse it, nothing is written', (_what, k, bad, call, [q, qa]) => {
    const mc = chain();
    const stored = new StateOverlay(new MapSource(mc.state)).get(k()) as CborMap;
    mc.state.set(k(), encodeCanonical(typeof bad === 'function' ? bad(stored) : bad));
    const before = snapshot(mc);
    if (call !== undefined) expect(statuses(mc, [call])).toEqual(['CHAIN_INVALID']);
    expect(snapshot(mc)).toEqual(before);
    expect(queryCode(mc, q, qa)).toBe('CHAIN_INVALID');
  });

  it('a stored schema whose text is not JSON is CHAIN_INVALID, not a crash', () => {
    const mc = chain();
    const k = identityKeys.schema(2_000_001, 1);
    const rec = new StateOverlay(new MapSource(mc.state)).get(k) as CborMap;
    mc.state.set(k, encodeCanonical({ ...rec, schema: '{not json' }));
    expect(queryCode(mc, 'schema', { schemaId: 2_000_001 })).toBe('CHAIN_INVALID');
  });
});

describe('identity: check reads only, and a refused call changes nothing', () => {
  it('check returns what apply writes and writes nothing itself, however often it runs', () => {
    const mc = chain();
    const a = addr(alice);
    const overlay = new StateOverlay(new MapSource(mc.state));
    const ctx: CheckContext = {
      chain: 'test',
      group: 'g1',
      height: mc.head.height + 1,
      timestamp: mc.head.timestamp + 1000,
      txHash: new Uint8Array(32).fill(9),
      sender: a,
      senderKey: alice.publicKey,
      suite,
      params: DEFAULT_PARAMS,
      state: overlay,
    };
    const m = identityModule.methods;
    const calls: [string, CborMap][] = [
      ['addKey', { id: a, fragment: 'k2', publicKey: bob.publicKey }],
      ['setServices', { id: a, services: [{ fragment: 's', type: 'Hub', endpoint: 'https://h.example' }] }],
      ['setStatus', { issuer: a, list: 'rev', indexes: [3, 9000], value: false }],
      ['registerSchema', { schemaId: 2_000_001, issuer: a, name: 'Degree', schema: SCHEMA }],
      ['createStatusList', { issuer: a, list: 'sus', purpose: 'suspension' }],
      ['deactivate', { id: a }],
    ];
    for (const [name, args] of calls) {
      const def = m[name];
      if (def === undefined) throw new Error(name);
      const parsed = def.parse(args);
      const first = def.check(ctx, parsed);
      expect(def.check(ctx, parsed)).toEqual(first);
      expect(overlay.writes().size).toBe(0);
    }
  });

  it('refused calls write nothing and leave the state as it was', () => {
    const mc = chain();
    const a = addr(alice);
    const b = addr(bob);
    const before = snapshot(mc);
    const res = mc.runSigned(
      (
        [
          [bob, 'addKey', { id: a, fragment: 'x', publicKey: bob.publicKey }],
          [alice, 'revokeKey', { id: a, fragment: 'key-1' }],
          [alice, 'setStatus', { issuer: a, list: 'rev', indexes: [1, 131_072], value: true }],
          [alice, 'registerSchema', { schemaId: 2_000_001, issuer: b, name: 'X', schema: SCHEMA }],
          [registrar, 'recognizeIssuer', { id: a, category: 'university' }],
          [alice, 'createStatusList', { issuer: a, list: 'rev', purpose: 'revocation' }],
        ] as const
      ).map(([kp, method, args]) => mc.tx(kp, 'identity', method, args).tx),
    );
    expect(res.receipts.map((r) => r.status)).toEqual([
      'IDENTITY_NOT_CONTROLLER',
      'IDENTITY_LAST_KEY',
      'IDENTITY_STATUS_INDEX',
      'IDENTITY_NOT_CONTROLLER',
      'IDENTITY_ALREADY_RECOGNISED',
      'IDENTITY_STATUS_LIST_EXISTS',
    ]);
    expect(res.receipts.every((r) => r.writes.length === 0 && r.events.length === 0)).toBe(true);
    expect(snapshot(mc)).toEqual(before);
  });
});

describe('identity queries: parameters are read strictly', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['resolve', {}, 'EXEC_BAD_ARGS'],
    ['resolve', { did: '' }, 'EXEC_BAD_ARGS'],
    ['resolve', { did: 'x'.repeat(300) }, 'EXEC_BAD_ARGS'],
    ['resolve', { did: 'did:web:example.com' }, 'IDENTITY_BAD_DID'],
    ['resolve', { did: `did:gongzhi:test:g2:${addr(alice)}` }, 'IDENTITY_BAD_DID'],
    ['resolve', { did: didOf(alice), atHeight: 'x' }, 'EXEC_BAD_ARGS'],
    ['resolve', { did: didOf(alice), atHeight: -1 }, 'EXEC_BAD_ARGS'],
    ['resolve', { did: didOf(alice), atHeight: 99 }, 'EXEC_BAD_ARGS'],
    ['issuer', { did: didOf(alice) }, 'EXEC_BAD_ARGS'],
    ['issuer', { did: didOf(alice), category: 'bakery' }, 'EXEC_BAD_ARGS'],
    ['issuer', { did: didOf(alice), category: 'university', at: '1.5' }, 'EXEC_BAD_ARGS'],
    ['issuer', { did: didOf(alice), category: 'university', atHeight: 'soon' }, 'EXEC_BAD_ARGS'],
    ['issuer', { did: 'nope', category: 'university' }, 'IDENTITY_BAD_DID'],
    ['issuers', {}, 'EXEC_BAD_ARGS'],
    ['issuers', { category: 'bakery' }, 'EXEC_BAD_ARGS'],
    ['schema', {}, 'EXEC_BAD_ARGS'],
    ['schema', { schemaId: 'abc' }, 'EXEC_BAD_ARGS'],
    ['schema', { schemaId: 2_000_001, version: 'latest' }, 'EXEC_BAD_ARGS'],
    ['schema', { schemaId: 2_000_001, version: 2 }, 'IDENTITY_SCHEMA_NOT_FOUND'],
    ['status', { did: didOf(alice), index: 1 }, 'EXEC_BAD_ARGS'],
    ['status', { did: didOf(alice), list: 'Rev_1', index: 1 }, 'EXEC_BAD_ARGS'],
    ['status', { did: didOf(alice), list: 'rev', index: 'one' }, 'EXEC_BAD_ARGS'],
    ['status', { did: didOf(alice), list: 'rev' }, 'IDENTITY_STATUS_INDEX'],
    ['status', { did: didOf(alice), list: 'rev', index: 131_072 }, 'IDENTITY_STATUS_INDEX'],
    ['status', { did: didOf(alice), list: 'none', index: 1 }, 'IDENTITY_STATUS_LIST_NOT_FOUND'],
    ['statusList', { did: didOf(alice) }, 'EXEC_BAD_ARGS'],
    ['statusList', { did: didOf(alice), list: 'rev/c/0' }, 'EXEC_BAD_ARGS'],
    ['statusList', { list: 'rev' }, 'EXEC_BAD_ARGS'],
  ];
  const mc = chain();

  it.each(cases)('%s %j → %s', (name, args, code) => {
    expect(queryCode(mc, name, args)).toBe(code);
  });

  it('reads URL strings and JSON numbers alike', () => {
    const asNumbers = mc.query('identity', 'status', { did: didOf(alice), list: 'rev', index: 3 });
    const asStrings = mc.query('identity', 'status', { did: didOf(alice), list: 'rev', index: '3' });
    expect(asStrings).toEqual(asNumbers);
    expect(asNumbers).toMatchObject({ set: true, updates: 1 });
    expect(mc.query('identity', 'resolve', { did: didOf(alice), atHeight: String(mc.head.height) })).toEqual(
      mc.query('identity', 'resolve', { did: didOf(alice) }),
    );
  });

  it('lists every method and query with a summary and schemas', () => {
    for (const [n, m] of Object.entries(identityModule.methods)) {
      expect(m.summary, n).not.toBe('');
      expect(m.args.type, n).toBe('object');
    }
    for (const [n, q] of Object.entries(identityModule.queries)) {
      expect(q.summary, n).not.toBe('');
      expect(q.args.type, n).toBe('object');
      expect(q.result.type, n).toBe('object');
    }
    expect(IDENTITY_PERMISSIONS['identity.recognizeIssuer']).toEqual(['identity-registrar']);
    expect(IDENTITY_PERMISSIONS['identity.derecognizeIssuer']).toEqual(['identity-registrar']);
    expect(Object.values(IDENTITY_PERMISSIONS).filter((r) => r[0] === '*')).toHaveLength(10);
  });
});
