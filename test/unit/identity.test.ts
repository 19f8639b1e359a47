import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { encodeCanonical, toHex } from '../../src/encoding/index.js';
import type { BlockResult } from '../../src/execution/index.js';
import { type BlockHeader, type CborMap, DEFAULT_PARAMS, type SignedTx } from '../../src/ledger/index.js';
import { governanceAuthorizer } from '../../src/modules/governance/index.js';
import {
  createConsentMessage,
  formatDid,
  IDENTITY_PERMISSIONS,
  identityModule,
  parseDid,
  type ResolutionJson,
} from '../../src/modules/identity/index.js';
import { MemoryChain } from '../../src/testing/index.js';

const suite = getSuite('ed25519');
/** A one-group in-memory chain through the real BlockExecutor and the governance permission check. */
class Chain {
  readonly mc = new MemoryChain({
    suite,
    modules: [identityModule],
    authorizer: governanceAuthorizer,
    params: DEFAULT_PARAMS,
    timestamp: 1_700_000_000_000,
    chain: 'test',
  });

  constructor(roles: Record<string, string[]> = {}) {
    for (const [m, r] of Object.entries(IDENTITY_PERMISSIONS)) {
      this.state.set(`governance/perm/${m}`, encodeCanonical([...r]));
    }
    for (const [a, r] of Object.entries(roles)) this.state.set(`governance/roles/${a}`, encodeCanonical(r));
  }

  get state(): Map<string, Uint8Array> {
    return this.mc.state;
  }

  get head(): BlockHeader {
    return this.mc.head;
  }

  tx(kp: KeyPair, method: string, args: CborMap): SignedTx {
    return this.mc.tx(kp, 'identity', method, args).tx;
  }

  run(txs: readonly SignedTx[]): BlockResult {
    return this.mc.runSigned(txs);
  }

  status(txs: readonly SignedTx[]): string[] {
    return this.run(txs).receipts.map((r) => r.status);
  }

  query(name: string, args: Record<string, unknown>): unknown {
    return this.mc.query('identity', name, args);
  }

  resolve(did: string, atHeight?: number): ResolutionJson {
    return this.query('resolve', { did, ...(atHeight === undefined ? {} : { atHeight }) }) as ResolutionJson;
  }
}

const addr = (kp: KeyPair): string => suite.address(kp.publicKey);
const didOf = (kp: KeyPair): string => formatDid('test', 'g1', addr(kp));

function queryCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('did:gongzhi syntax', () => {
  it('round-trips and rejects malformed DIDs', () => {
    const id = `gz${'a'.repeat(40)}`;
    expect(parseDid(formatDid('c1', 'g1', id))).toEqual({ chain: 'c1', group: 'g1', id });
    for (const bad of [
      'did:weid:c:g:x',
      `did:gongzhi:c:g:${id}#k`,
      'did:gongzhi:c:g',
      `did:gongzhi:C:g:${id}`,
    ]) {
      expect(queryCode(() => parseDid(bad))).toBe('IDENTITY_BAD_DID');
    }
  });
});

describe('identity DIDs', () => {
  it('creates a DID by its subject and resolves a W3C DID document', () => {
    const c = new Chain();
    const alice = suite.generateKeyPair();
    const res = c.run([
      c.tx(alice, 'create', {
        publicKey: alice.publicKey,
        services: [
          { fragment: 'hub', type: 'CredentialRepository', endpoint: 'https://wallet.example/alice' },
        ],
      }),
    ]);
    expect(res.receipts[0]?.status).toBe('ok');
    const r = c.resolve(didOf(alice));
    expect(r.didDocument.id).toBe(didOf(alice));
    expect(r.didDocument.verificationMethod).toEqual([
      {
        id: `${didOf(alice)}#key-1`,
        type: 'JsonWebKey',
        controller: didOf(alice),
        publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: expect.any(String) },
      },
    ]);
    expect(r.didDocument.authentication).toEqual([`${didOf(alice)}#key-1`]);
    expect(r.didDocument.assertionMethod).toEqual([`${didOf(alice)}#key-1`]);
    expect(r.didDocument.service).toEqual([
      {
        id: `${didOf(alice)}#hub`,
        type: 'CredentialRepository',
        serviceEndpoint: 'https://wallet.example/alice',
      },
    ]);
    expect(r.didDocumentMetadata).toMatchObject({
      versionId: '1',
      deactivated: false,
      createdBy: addr(alice),
    });
    // no personal data: only keys, ids, services the subject chose
    expect(c.status([c.tx(alice, 'create', { publicKey: alice.publicKey })])).toEqual(['IDENTITY_EXISTS']);
  });

  it('lets an identity-agent create a DID only with the subject consent signature', () => {
    const agent = suite.generateKeyPair();
    const stranger = suite.generateKeyPair();
    const c = new Chain({ [addr(agent)]: ['identity-agent'] });
    const resident = suite.generateKeyPair();
    const did = didOf(resident);
    const good = suite.sign(resident.secretKey, createConsentMessage(did, addr(agent)));
    const forOther = suite.sign(resident.secretKey, createConsentMessage(did, addr(stranger)));
    expect(
      c.status([
        c.tx(stranger, 'create', { publicKey: resident.publicKey, consent: forOther }),
        c.tx(agent, 'create', { publicKey: resident.publicKey }),
        c.tx(agent, 'create', { publicKey: resident.publicKey, consent: forOther }),
        c.tx(agent, 'create', { publicKey: resident.publicKey, consent: good }),
      ]),
    ).toEqual(['IDENTITY_NOT_AGENT', 'IDENTITY_BAD_CONSENT', 'IDENTITY_BAD_CONSENT', 'ok']);
    const r = c.resolve(did);
    expect(r.didDocumentMetadata.createdBy).toBe(addr(agent));
    // the agent does not control the DID afterwards
    expect(c.status([c.tx(agent, 'deactivate', { id: addr(resident) })])).toEqual([
      'IDENTITY_NOT_CONTROLLER',
    ]);
  });

  it('rotates keys, keeps key history and resolves as of an earlier block', () => {
    const c = new Chain();
    const alice = suite.generateKeyPair();
    const k2 = suite.generateKeyPair();
    const k3 = suite.generateKeyPair();
    const id = addr(alice);
    c.run([c.tx(alice, 'create', { publicKey: alice.publicKey })]);
    const h1 = c.head.height;
    expect(
      c.status([
        c.tx(alice, 'addKey', {
          id,
          fragment: 'sig-2',
          publicKey: k2.publicKey,
          purposes: ['assertionMethod'],
        }),
      ]),
    ).toEqual(['ok']);
    const h2 = c.head.height;
    expect(
      c.status([c.tx(alice, 'rotateKey', { id, old: 'key-1', fragment: 'key-3', publicKey: k3.publicKey })]),
    ).toEqual(['ok']);
    // the old key no longer controls; the new one does
    expect(
      c.status([
        c.tx(alice, 'setServices', { id, services: [] }),
        c.tx(k3, 'setServices', {
          id,
          services: [{ fragment: 's', type: 'Hub', endpoint: 'https://h.example' }],
        }),
        c.tx(k3, 'addKey', { id, fragment: 'key-1', publicKey: k2.publicKey }),
        c.tx(k3, 'revokeKey', { id, fragment: 'key-3' }),
      ]),
    ).toEqual(['IDENTITY_NOT_CONTROLLER', 'ok', 'IDENTITY_KEY_EXISTS', 'IDENTITY_LAST_KEY']);
    const now = c.resolve(didOf(alice));
    expect(now.didDocument.verificationMethod.map((v) => v.id.split('#')[1])).toEqual(['sig-2', 'key-3']);
    expect(now.didDocument.authentication.map((v) => v.split('#')[1])).toEqual(['key-3']);
    expect(now.keyHistory.find((k) => k.id.endsWith('#key-1'))?.revoked?.height).toBe(h2 + 1);
    expect(now.didDocumentMetadata.versionId).toBe('4');

    const then = c.resolve(didOf(alice), h1);
    expect(then.didDocument.verificationMethod.map((v) => v.id.split('#')[1])).toEqual(['key-1']);
    expect(then.didDocumentMetadata.versionId).toBe('1');
    expect(c.resolve(didOf(alice), h2).didDocument.verificationMethod).toHaveLength(2);
    expect(queryCode(() => c.resolve(didOf(alice), 0))).toBe('IDENTITY_NOT_FOUND');
    expect(queryCode(() => c.resolve(didOf(alice), c.head.height + 1))).toBe('EXEC_BAD_ARGS');
  });

  it('honours controller DIDs and deactivation', () => {
    const c = new Chain();
    const parent = suite.generateKeyPair();
    const child = suite.generateKeyPair();
    c.run([c.tx(parent, 'create', { publicKey: parent.publicKey })]);
    expect(
      c.status([
        c.tx(child, 'create', { publicKey: child.publicKey, controllers: [addr(parent)] }),
        c.tx(parent, 'revokeKey', { id: addr(child), fragment: 'key-1' }),
      ]),
    ).toEqual(['ok', 'ok']);
    const r = c.resolve(didOf(child));
    expect(r.didDocument.controller).toEqual([didOf(parent)]);
    expect(r.didDocument.verificationMethod).toEqual([]);
    expect(
      c.status([
        c.tx(parent, 'deactivate', { id: addr(child) }),
        c.tx(parent, 'setServices', { id: addr(child), services: [] }),
      ]),
    ).toEqual(['ok', 'IDENTITY_DEACTIVATED']);
    expect(c.resolve(didOf(child)).didDocumentMetadata.deactivated).toBe(true);
  });

  it('rejects bad arguments', () => {
    const c = new Chain();
    const a = suite.generateKeyPair();
    expect(
      c.status([
        c.tx(a, 'create', { publicKey: new Uint8Array(32).fill(0xff) }),
        c.tx(a, 'create', { publicKey: a.publicKey, extra: 1 }),
        c.tx(a, 'create', { publicKey: a.publicKey, purposes: [] }),
        c.tx(a, 'create', {
          publicKey: a.publicKey,
          services: [{ fragment: 'x', type: 'T', endpoint: 'ftp://x' }],
        }),
      ]),
    ).toEqual(['IDENTITY_BAD_KEY', 'EXEC_BAD_ARGS', 'EXEC_BAD_ARGS', 'EXEC_BAD_ARGS']);
    expect(c.state.size).toBe(Object.keys(IDENTITY_PERMISSIONS).length);
  });
});

describe('issuer registry', () => {
  it('recognises and de-recognises issuers by registrar only, with history by time and height', () => {
    const registrar = suite.generateKeyPair();
    const c = new Chain({ [addr(registrar)]: ['identity-registrar'] });
    const health = suite.generateKeyPair();
    const id = addr(health);
    c.run([c.tx(health, 'create', { publicKey: health.publicKey })]);
    expect(
      c.status([
        c.tx(health, 'recognizeIssuer', { id, category: 'health-authority' }),
        c.tx(registrar, 'recognizeIssuer', { id, category: 'health-authority' }),
        c.tx(registrar, 'recognizeIssuer', { id, category: 'health-authority' }),
        c.tx(registrar, 'recognizeIssuer', { id, category: 'bakery' }),
      ]),
    ).toEqual(['EXEC_PERMISSION_DENIED', 'ok', 'IDENTITY_ALREADY_RECOGNISED', 'EXEC_BAD_ARGS']);
    const t1 = c.head.timestamp;
    const h1 = c.head.height;
    c.run([
      c.tx(registrar, 'derecognizeIssuer', { id, category: 'health-authority', reason: 'licence expired' }),
    ]);
    const q = c.query('issuer', { did: didOf(health), category: 'health-authority', at: t1, atHeight: h1 });
    expect(q).toMatchObject({ recognised: false, recognisedAt: true, recognisedAtHeight: true });
    expect(
      c.query('issuer', { did: didOf(health), category: 'health-authority', at: c.head.timestamp }),
    ).toMatchObject({
      recognisedAt: false,
    });
    expect(c.query('issuers', { category: 'health-authority' })).toEqual({
      category: 'health-authority',
      issuers: [{ did: didOf(health), recognised: false }],
    });
    expect(
      c.status([c.tx(registrar, 'derecognizeIssuer', { id, category: 'health-authority', reason: 'again' })]),
    ).toEqual(['IDENTITY_NOT_RECOGNISED']);
  });
});

describe('schemas (CPT)', () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: { name: { type: 'string' } },
    required: ['name'],
  });

  it('enforces id ranges, ownership and immutable versions', () => {
    const registrar = suite.generateKeyPair();
    const c = new Chain({ [addr(registrar)]: ['identity-registrar'] });
    const uni = suite.generateKeyPair();
    const anyone = suite.generateKeyPair();
    c.run([
      c.tx(uni, 'create', { publicKey: uni.publicKey }),
      c.tx(anyone, 'create', { publicKey: anyone.publicKey }),
    ]);
    const reg = (kp: KeyPair, schemaId: number, s = schema) =>
      c.tx(kp, 'registerSchema', { schemaId, issuer: addr(kp), name: 'Degree', schema: s });
    expect(
      c.status([
        reg(uni, 5),
        reg(uni, 1000),
        reg(anyone, 2_000_001),
        reg(anyone, 2_000_002, '{"type":"string"}'),
        reg(anyone, 2_000_003, 'not json'),
      ]),
    ).toEqual([
      'IDENTITY_SCHEMA_RANGE',
      'IDENTITY_SCHEMA_RANGE',
      'ok',
      'IDENTITY_BAD_SCHEMA',
      'IDENTITY_BAD_SCHEMA',
    ]);
    c.run([c.tx(registrar, 'recognizeIssuer', { id: addr(uni), category: 'university' })]);
    expect(c.status([reg(uni, 1000), reg(anyone, 1000), reg(uni, 1000)])).toEqual([
      'ok',
      'IDENTITY_SCHEMA_RANGE',
      'ok',
    ]);
    expect(c.status([reg(anyone, 2_000_001)])).toEqual(['ok']);
    expect(c.status([reg(uni, 2_000_001)])).toEqual(['IDENTITY_SCHEMA_NOT_OWNER']);
    expect(c.query('schema', { schemaId: 1000 })).toMatchObject({
      schemaId: 1000,
      version: 2,
      latest: 2,
      issuer: didOf(uni),
      schema: JSON.parse(schema),
    });
    expect(c.query('schema', { schemaId: 1000, version: 1 })).toMatchObject({ version: 1 });
    expect(queryCode(() => c.query('schema', { schemaId: 1000, version: 3 }))).toBe(
      'IDENTITY_SCHEMA_NOT_FOUND',
    );
  });
});

describe('status lists', () => {
  it('sets and clears bits and serves a Bitstring Status List', async () => {
    const c = new Chain();
    const issuer = suite.generateKeyPair();
    const other = suite.generateKeyPair();
    const id = addr(issuer);
    c.run([c.tx(issuer, 'create', { publicKey: issuer.publicKey })]);
    expect(
      c.status([
        c.tx(issuer, 'createStatusList', { issuer: id, list: 'rev-1', purpose: 'revocation' }),
        c.tx(issuer, 'createStatusList', { issuer: id, list: 'rev-1', purpose: 'revocation' }),
        c.tx(issuer, 'createStatusList', { issuer: id, list: 'small', purpose: 'revocation', size: 8 }),
        c.tx(other, 'setStatus', { issuer: id, list: 'rev-1', indexes: [1], value: true }),
        c.tx(issuer, 'setStatus', { issuer: id, list: 'rev-1', indexes: [131_072], value: true }),
        c.tx(issuer, 'setStatus', { issuer: id, list: 'rev-1', indexes: [7, 9000, 131_071], value: true }),
      ]),
    ).toEqual([
      'ok',
      'IDENTITY_STATUS_LIST_EXISTS',
      'EXEC_BAD_ARGS',
      'IDENTITY_NOT_CONTROLLER',
      'IDENTITY_STATUS_INDEX',
      'ok',
    ]);
    const bit = (index: number) =>
      (c.query('status', { did: didOf(issuer), list: 'rev-1', index }) as { set: boolean }).set;
    expect([bit(6), bit(7), bit(8), bit(9000), bit(131_071)]).toEqual([false, true, false, true, true]);
    c.run([c.tx(issuer, 'setStatus', { issuer: id, list: 'rev-1', indexes: [7], value: false })]);
    expect(bit(7)).toBe(false);
    const list = c.query('statusList', { did: didOf(issuer), list: 'rev-1' }) as {
      encodedList: string;
      size: number;
    };
    expect(list.size).toBe(131_072);
    const { gunzipSync } = await import('node:zlib');
    const raw = gunzipSync(Buffer.from(list.encodedList.slice(1), 'base64url'));
    expect(raw.length).toBe(16_384);
    expect(raw[0]).toBe(0);
    expect(raw[9000 >> 3]! & (0x80 >> (9000 & 7))).not.toBe(0);
    expect(toHex(raw).length).toBe(32_768);
  });
});
