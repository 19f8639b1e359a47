import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { decodeCanonical, encodeCanonical, toHex, utf8 } from '../../src/encoding/index.js';
import { type Codec, uintCodec } from '../../src/execution/index.js';
import { type CborMap, DEFAULT_PARAMS } from '../../src/ledger/index.js';
import { governanceAuthorizer } from '../../src/modules/governance/index.js';
import {
  createConsentMessage,
  didCodec,
  formatDid,
  IDENTITY_PERMISSIONS,
  identityModule,
  issuerIndexCodec,
  issuerPeriodsCodec,
  schemaCodec,
  statusChunkCodec,
  statusListCodec,
} from '../../src/modules/identity/index.js';
import { MemoryChain } from '../../src/testing/index.js';

/**
 * Golden roots of a fixed identity scenario (every method, successes and refusals). The roots were
 * taken from the module before it moved onto the module kit: the stored encodings, events, write
 * sets and receipt messages must stay byte-identical, so these never change.
 */
const suite = getSuite('ed25519');
const key = (n: number): KeyPair => {
  const secretKey = new Uint8Array(32).fill(n);
  return { secretKey, publicKey: suite.publicKeyFromSecret(secretKey) };
};
const addr = (kp: KeyPair): string => suite.address(kp.publicKey);

interface Outcome {
  receiptRoots: string[];
  statuses: string[][];
  stateRoot: string;
  queries: string[];
}

function scenario(): Outcome & { mc: MemoryChain } {
  const mc = new MemoryChain({
    suite,
    modules: [identityModule],
    authorizer: governanceAuthorizer,
    params: DEFAULT_PARAMS,
    timestamp: 1_700_000_000_000,
    chain: 'test',
  });
  const registrar = key(1);
  const agent = key(2);
  const alice = key(3);
  const bob = key(4);
  const resident = key(5);
  const k2 = key(6);
  const k3 = key(7);
  const secp = getSuite('secp256k1').publicKeyFromSecret(new Uint8Array(32).fill(8));
  for (const [m, r] of Object.entries(IDENTITY_PERMISSIONS)) {
    mc.state.set(`governance/perm/${m}`, encodeCanonical([...r]));
  }
  mc.state.set(`governance/roles/${addr(registrar)}`, encodeCanonical(['identity-registrar']));
  mc.state.set(`governance/roles/${addr(agent)}`, encodeCanonical(['identity-agent']));
  const a = addr(alice);
  const b = addr(bob);
  const schema = JSON.stringify({ type: 'object', properties: { name: { type: 'string' } } });
  const blocks: [KeyPair, string, CborMap][][] = [
    [
      [alice, 'create', { publicKey: alice.publicKey }],
      [
        bob,
        'create',
        {
          publicKey: bob.publicKey,
          purposes: ['authentication'],
          services: [{ fragment: 'hub', type: 'Hub', endpoint: 'https://hub.example/bob' }],
        },
      ],
      [registrar, 'create', { publicKey: registrar.publicKey }],
      [alice, 'create', { publicKey: alice.publicKey }],
      [alice, 'create', { publicKey: alice.publicKey, extra: 1 }],
      [alice, 'create', { publicKey: new Uint8Array(32).fill(0xff) }],
    ],
    [
      [
        agent,
        'create',
        {
          publicKey: resident.publicKey,
          controllers: [a],
          consent: suite.sign(
            resident.secretKey,
            createConsentMessage(formatDid('test', 'g1', addr(resident)), addr(agent)),
          ),
        },
      ],
      [agent, 'create', { publicKey: k3.publicKey }],
      [alice, 'addKey', { id: a, fragment: 'sig-2', publicKey: k2.publicKey, purposes: ['assertionMethod'] }],
      [
        alice,
        'addKey',
        { id: a, fragment: 'sec', keyType: 'secp256k1', publicKey: secp, purposes: ['assertionMethod'] },
      ],
      [alice, 'addKey', { id: a, fragment: 'sec2', keyType: 'secp256k1', publicKey: secp }],
      [alice, 'addKey', { id: a, fragment: 'sig-2', publicKey: k2.publicKey }],
      [bob, 'addKey', { id: a, fragment: 'x', publicKey: k2.publicKey }],
    ],
    [
      [alice, 'rotateKey', { id: a, old: 'key-1', fragment: 'key-3', publicKey: k3.publicKey }],
      [k3, 'revokeKey', { id: a, fragment: 'sig-2' }],
      [k3, 'revokeKey', { id: a, fragment: 'sig-2' }],
      [
        k3,
        'setServices',
        { id: a, services: [{ fragment: 's', type: 'Hub', endpoint: 'https://h.example' }] },
      ],
      [k3, 'setControllers', { id: a, controllers: [b] }],
      [bob, 'setControllers', { id: b, controllers: [a, a] }],
      [k3, 'revokeKey', { id: a, fragment: 'key-3' }],
      [bob, 'revokeKey', { id: a, fragment: 'sec' }],
    ],
    [
      [alice, 'recognizeIssuer', { id: b, category: 'university' }],
      [registrar, 'recognizeIssuer', { id: b, category: 'university' }],
      [registrar, 'recognizeIssuer', { id: b, category: 'university' }],
      [registrar, 'recognizeIssuer', { id: b, category: 'hospital' }],
      [registrar, 'recognizeIssuer', { id: b, category: 'bakery' }],
      [registrar, 'derecognizeIssuer', { id: a, category: 'hospital', reason: 'never' }],
    ],
    [
      [registrar, 'derecognizeIssuer', { id: b, category: 'hospital', reason: 'licence expired' }],
      [registrar, 'recognizeIssuer', { id: b, category: 'hospital' }],
      [bob, 'registerSchema', { schemaId: 1500, issuer: b, name: 'Degree', schema }],
      [bob, 'registerSchema', { schemaId: 1500, issuer: b, name: 'Degree v2', schema }],
      [bob, 'registerSchema', { schemaId: 5, issuer: b, name: 'Sys', schema }],
      [registrar, 'registerSchema', { schemaId: 5, issuer: addr(registrar), name: 'Sys', schema }],
      [k3, 'registerSchema', { schemaId: 2_000_001, issuer: a, name: 'Open', schema }],
      [bob, 'registerSchema', { schemaId: 2_000_001, issuer: b, name: 'Open', schema }],
      [bob, 'registerSchema', { schemaId: 2_000_002, issuer: b, name: 'Bad', schema: 'nope' }],
      [bob, 'registerSchema', { schemaId: 0, issuer: b, name: 'Bad', schema }],
    ],
    [
      [bob, 'createStatusList', { issuer: b, list: 'rev-1', purpose: 'revocation' }],
      [bob, 'createStatusList', { issuer: b, list: 'sus', purpose: 'suspension', size: 262_144 }],
      [bob, 'createStatusList', { issuer: b, list: 'rev-1', purpose: 'revocation' }],
      [bob, 'createStatusList', { issuer: b, list: 'small', purpose: 'revocation', size: 8 }],
      [bob, 'setStatus', { issuer: b, list: 'rev-1', indexes: [7, 9000, 131_071], value: true }],
      [bob, 'setStatus', { issuer: b, list: 'rev-1', indexes: [131_072], value: true }],
      [bob, 'setStatus', { issuer: b, list: 'nope', indexes: [1], value: true }],
      [bob, 'setStatus', { issuer: b, list: 'rev-1', indexes: [], value: true }],
      [alice, 'setStatus', { issuer: b, list: 'rev-1', indexes: [1], value: true }],
    ],
    [
      [bob, 'setStatus', { issuer: b, list: 'rev-1', indexes: [7, 8], value: false }],
      [bob, 'setStatus', { issuer: b, list: 'sus', indexes: [200_000], value: true }],
      [k3, 'deactivate', { id: a }],
      [k3, 'setServices', { id: a, services: [] }],
      [bob, 'deactivate', { id: a }],
      [bob, 'deactivate', { id: b }],
      [bob, 'setStatus', { issuer: b, list: 'rev-1', indexes: [1], value: true }],
    ],
  ];
  const receiptRoots: string[] = [];
  const statuses: string[][] = [];
  for (const block of blocks) {
    const res = mc.runSigned(block.map(([kp, m, args]) => mc.tx(kp, 'identity', m, args).tx));
    receiptRoots.push(toHex(res.header.receiptRoot));
    statuses.push(res.receipts.map((r) => r.status));
  }
  const did = (kp: KeyPair): string => formatDid('test', 'g1', addr(kp));
  const qs: [string, Record<string, unknown>][] = [
    ['resolve', { did: did(alice) }],
    ['resolve', { did: did(alice), atHeight: 2 }],
    ['resolve', { did: did(alice), atHeight: '3' }],
    ['resolve', { did: did(resident) }],
    ['resolve', { did: did(bob) }],
    ['resolve', { did: did(alice), atHeight: 0 }],
    ['resolve', { did: did(k2) }],
    ['resolve', { did: `did:gongzhi:test:g2:${a}` }],
    ['resolve', { did: 'nope' }],
    ['resolve', {}],
    ['resolve', { did: did(alice), atHeight: 99 }],
    ['resolve', { did: did(alice), atHeight: 'x' }],
    ['issuer', { did: did(bob), category: 'hospital' }],
    ['issuer', { did: did(bob), category: 'hospital', at: 1_700_000_004_500, atHeight: '4' }],
    ['issuer', { did: did(bob), category: 'university', at: '1', atHeight: 100 }],
    ['issuer', { did: did(alice), category: 'university' }],
    ['issuer', { did: did(bob), category: 'bakery' }],
    ['issuer', { did: did(bob) }],
    ['issuer', { did: did(bob), category: 'hospital', at: -1 }],
    ['issuers', { category: 'hospital' }],
    ['issuers', { category: 'university' }],
    ['issuers', { category: 'government' }],
    ['issuers', {}],
    ['schema', { schemaId: 1500 }],
    ['schema', { schemaId: '1500', version: '1' }],
    ['schema', { schemaId: 5 }],
    ['schema', { schemaId: 2_000_001 }],
    ['schema', { schemaId: 7 }],
    ['schema', { schemaId: 1500, version: 3 }],
    ['schema', {}],
    ['schema', { schemaId: 'x' }],
    ['status', { did: did(bob), list: 'rev-1', index: 9000 }],
    ['status', { did: did(bob), list: 'rev-1', index: '7' }],
    ['status', { did: did(bob), list: 'sus', index: 200_000 }],
    ['status', { did: did(bob), list: 'rev-1', index: 131_072 }],
    ['status', { did: did(bob), list: 'rev-1' }],
    ['status', { did: did(bob), list: 'nope', index: 1 }],
    ['status', { did: did(bob) }],
    ['statusList', { did: did(bob), list: 'rev-1' }],
    ['statusList', { did: did(bob), list: 'sus' }],
    ['statusList', { did: did(bob), list: 'nope' }],
  ];
  const queries = qs.map(([name, args]) => {
    try {
      const r = mc.query('identity', name, args);
      return `${name} ${toHex(suite.hash(utf8(JSON.stringify(r))))}`;
    } catch (e) {
      return `${name} ${(e as { code?: string }).code}`;
    }
  });
  return { receiptRoots, statuses, stateRoot: toHex(mc.head.stateRoot), queries, mc };
}

/**
 * Taken from the module before the move; the query codes that were API_BAD_REQUEST are EXEC_BAD_ARGS
 * now (modules raise only module and exec codes), everything else is unchanged.
 */
const GOLDEN: Outcome = {
  receiptRoots: [
    '2ee8a4c2df5501547c49569d66036092d8bddd421f2b41619637b3461d515f47',
    '078eb700cda8d13a113c3bb6bdea32dc38efb40fd609d20687f8e4ef5e2fc93c',
    '08ec5603b3fc1470f34b31d7e1452f683996347910f46fccd567f1583553851a',
    'c19b770a30e85a59ea8cec60937f3f0ee625916d9f3d0b609f56212a9f627484',
    '523962a9f39be0a9460d05c5b1c6599da982ef5e481b7c481149af989309ed10',
    '1003d22e02208238c5f3d54d6209ba6e65300474bbae2a81ecec2058f7433ad3',
    '02636b77f2de7d44fbdded67d656a91f49c2931dac0899335fbad4320f7961eb',
  ],
  statuses: [
    ['ok', 'ok', 'ok', 'IDENTITY_EXISTS', 'EXEC_BAD_ARGS', 'IDENTITY_BAD_KEY'],
    [
      'ok',
      'IDENTITY_BAD_CONSENT',
      'ok',
      'ok',
      'EXEC_BAD_ARGS',
      'IDENTITY_KEY_EXISTS',
      'IDENTITY_NOT_CONTROLLER',
    ],
    ['ok', 'ok', 'IDENTITY_KEY_NOT_FOUND', 'ok', 'ok', 'EXEC_BAD_ARGS', 'ok', 'ok'],
    [
      'EXEC_PERMISSION_DENIED',
      'ok',
      'IDENTITY_ALREADY_RECOGNISED',
      'ok',
      'EXEC_BAD_ARGS',
      'IDENTITY_NOT_RECOGNISED',
    ],
    [
      'ok',
      'ok',
      'ok',
      'ok',
      'IDENTITY_SCHEMA_RANGE',
      'ok',
      'IDENTITY_NOT_CONTROLLER',
      'ok',
      'IDENTITY_BAD_SCHEMA',
      'EXEC_BAD_ARGS',
    ],
    [
      'ok',
      'ok',
      'IDENTITY_STATUS_LIST_EXISTS',
      'EXEC_BAD_ARGS',
      'ok',
      'IDENTITY_STATUS_INDEX',
      'IDENTITY_STATUS_LIST_NOT_FOUND',
      'EXEC_BAD_ARGS',
      'IDENTITY_NOT_CONTROLLER',
    ],
    ['ok', 'ok', 'IDENTITY_NOT_CONTROLLER', 'IDENTITY_NOT_CONTROLLER', 'ok', 'ok', 'IDENTITY_DEACTIVATED'],
  ],
  stateRoot: '1d6360c9e1bed0a79853bb6f32138a6a12a950db7a6015b34ecab43bddf4a99e',
  queries: [
    'resolve a28279c0b8eba3f94198b99f89549818887d9ff0fa8191b44c6de6c42163d963',
    'resolve 9a212b8507420d508fde3e805619a27151f66c5a41f77273c0c2f8d3aeeeb90e',
    'resolve ea28c43c659425f7944b7b97140e6bd6aadd2107f0c6372bd25251611164c578',
    'resolve 1ef03bd1656e817d714ca7ae01b788ab8b0d7ce72132af03eddbb4ad245a2170',
    'resolve c5aef39f2fe4621fa1db18c780e8b140843010721501475f229486f47a0f10a5',
    'resolve IDENTITY_NOT_FOUND',
    'resolve IDENTITY_NOT_FOUND',
    'resolve IDENTITY_BAD_DID',
    'resolve IDENTITY_BAD_DID',
    'resolve EXEC_BAD_ARGS',
    'resolve EXEC_BAD_ARGS',
    'resolve EXEC_BAD_ARGS',
    'issuer 24e62739b5b8410f98ef3c9cb87fbc68f56446727f6c89487fa4db4cafba8c54',
    'issuer 1ad5d9f636176e7a06955b3a4ffb684f55195892c440ebfb0368076172057121',
    'issuer 63d49df19295fa3a9653cf39590f82b2680c0dcbbafc299d0529183a5bb296e9',
    'issuer e577a4d1b7e5171d12fa6877c3ab8dc8ca28e00f0a6f1df893f7682278683de3',
    'issuer EXEC_BAD_ARGS',
    'issuer EXEC_BAD_ARGS',
    'issuer EXEC_BAD_ARGS',
    'issuers bb7434b36eb70b01e306914ebf68d908e2db69992d84ad6714ae4d28dfcc749b',
    'issuers d0229205228a44485133660a6da0922cc1c27db2d8bcf4fdb08c7b814047fda9',
    'issuers 876a64fdeba960afd85de2a3b8b9abbfd61434832cc30870e2528391581df622',
    'issuers EXEC_BAD_ARGS',
    'schema 1d4e696b226288e1db14cdd56602fc65a1ec130bb5c4c0b886eb6a61e5a25ee9',
    'schema 3d3bafa30341dd35d71e37acbedca116095b26e2e22d1321075fc58d40ae8dd4',
    'schema 82bab993207050e4c9bcb1201f295969f832baad5397a1e52445d4aa59496bc6',
    'schema ffd02bb3d6fd548a59316c40f46504826764e835ba52483bc25830cd75b09b33',
    'schema IDENTITY_SCHEMA_NOT_FOUND',
    'schema IDENTITY_SCHEMA_NOT_FOUND',
    'schema EXEC_BAD_ARGS',
    'schema EXEC_BAD_ARGS',
    'status e74d5cb8da1f09b6afc0de373a10fd80ceb8489f85e79df2848ba37d04459854',
    'status 5efd1648f139270ca15233a3455d8024224b101cd3c9f0d1b5f60f4984e63a33',
    'status 1f6786a2e71c36983009ad2855d2643a6f081a6ab550a7cc3ecd29e750d43465',
    'status IDENTITY_STATUS_INDEX',
    'status IDENTITY_STATUS_INDEX',
    'status IDENTITY_STATUS_LIST_NOT_FOUND',
    'status EXEC_BAD_ARGS',
    'statusList 67a72d5d4136bfcc2b5cd30f2ed305fd31274ed90709ee71e2377e67ecf3d7fd',
    'statusList a9c5d24389c47232ccb3af3338610d6a5eede84e4d21f4928b2a094488892364',
    'statusList IDENTITY_STATUS_LIST_NOT_FOUND',
  ],
};

/** The codec of the record stored under an identity state key. */
function codecOf(key: string): Codec<unknown> {
  const p = key.split('/');
  if (p[1] === 'did' || p[1] === 'didv') return didCodec;
  if (p[1] === 'issuer') return issuerPeriodsCodec;
  if (p[1] === 'issuers') return issuerIndexCodec;
  if (p[1] === 'schema') return p[3] === 'latest' ? uintCodec : schemaCodec;
  if (p[1] === 'status') return p[4] === 'c' ? statusChunkCodec : statusListCodec;
  throw new Error(`no codec for ${key}`);
}

describe('identity golden scenario', () => {
  it('keeps state roots, receipts (events, writes, messages) and query results byte-identical', () => {
    const { mc, ...outcome } = scenario();
    expect(outcome).toEqual(GOLDEN);
  });

  it('decodes every record it wrote and re-encodes it to the same bytes', () => {
    const { mc } = scenario();
    const keys = [...mc.state.keys()].filter((k) => k.startsWith('identity/'));
    expect(keys.length).toBeGreaterThan(20);
    for (const k of keys) {
      const bytes = mc.state.get(k) as Uint8Array;
      const codec = codecOf(k);
      expect(toHex(encodeCanonical(codec.encode(codec.decode(decodeCanonical(bytes))))), k).toBe(
        toHex(bytes),
      );
    }
  });
});
