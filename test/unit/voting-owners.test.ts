import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { encodeCanonical, toHex } from '../../src/encoding/index.js';
import { type CborMap, DEFAULT_PARAMS } from '../../src/ledger/index.js';
import { governanceAuthorizer } from '../../src/modules/governance/index.js';
import { IDENTITY_PERMISSIONS, identityModule } from '../../src/modules/identity/index.js';
import { credential, votingModule } from '../../src/modules/voting/index.js';
import { MemoryChain, seedOf } from '../../src/testing/index.js';

/**
 * Enrolment from verified owners (issue 9): an election naming the owner credentials' issuer,
 * category and status list enrols a voter only with her owner credential's status index, checked
 * against the identity module — issuer recognised, DID active, bit clear, once per election. Each
 * refusal has its code and changes nothing.
 */
const suite = getSuite('ed25519');
const key = (n: number): KeyPair => {
  const secretKey = new Uint8Array(32).fill(n);
  return { secretKey, publicKey: suite.publicKeyFromSecret(secretKey) };
};
const addr = (k: KeyPair) => suite.address(k.publicKey);
const registrar = key(1);
const bureau = key(2);
const cred = (s: string) => credential({ group: 'ed25519' }, seedOf(s)).publicKey;

function chain(): MemoryChain {
  const mc = new MemoryChain({
    suite,
    modules: [identityModule, votingModule],
    authorizer: governanceAuthorizer,
    params: DEFAULT_PARAMS,
    timestamp: 1_700_000_000_000,
    chain: 'test',
  });
  const perms = { ...IDENTITY_PERMISSIONS, ...votingModule.permissionRows };
  for (const [m, r] of Object.entries(perms)) mc.state.set(`governance/perm/${m}`, encodeCanonical([...r]));
  mc.state.set(
    `governance/roles/${addr(registrar)}`,
    encodeCanonical(['identity-registrar', 'voting-registrar']),
  );
  const b = addr(bureau);
  run(mc, bureau, 'identity', 'create', { publicKey: bureau.publicKey });
  run(mc, registrar, 'identity', 'recognizeIssuer', { id: b, category: 'government' });
  run(mc, bureau, 'identity', 'createStatusList', { issuer: b, list: 'owners', purpose: 'revocation' });
  run(mc, bureau, 'identity', 'setStatus', { issuer: b, list: 'owners', indexes: [7], value: true });
  return mc;
}

function status(mc: MemoryChain, k: KeyPair, module: string, method: string, args: CborMap): string {
  const r = mc.run([mc.tx(k, module, method, args, { sign: false })]).receipts[0];
  return r?.status ?? 'dropped';
}
function run(mc: MemoryChain, k: KeyPair, module: string, method: string, args: CborMap): void {
  expect(status(mc, k, module, method, args)).toBe('ok');
}
const snapshot = (mc: MemoryChain) => new Map([...mc.state].map(([k, v]) => [k, toHex(v)]));
function refused(mc: MemoryChain, k: KeyPair, module: string, method: string, args: CborMap, code: string) {
  const before = snapshot(mc);
  expect(status(mc, k, module, method, args)).toBe(code);
  expect(snapshot(mc)).toEqual(before);
}

const owners = { issuer: addr(bureau), category: 'government', list: 'owners' };
const create = (id: string, o: CborMap = owners): CborMap => ({
  id,
  kind: 'resolution',
  title: 'Repaint the gates',
  matter: 'ordinary',
  owners: o,
});

describe('voting: enrolment from verified owners', () => {
  it('refuses an election naming an issuer that is not recognised, or a list it does not have', () => {
    const mc = chain();
    refused(
      mc,
      registrar,
      'voting',
      'create',
      create('e0', { ...owners, category: 'university' }),
      'VOTING_OWNER_ISSUER',
    );
    refused(
      mc,
      registrar,
      'voting',
      'create',
      create('e0', { ...owners, list: 'other' }),
      'VOTING_OWNER_ISSUER',
    );
    refused(
      mc,
      registrar,
      'voting',
      'create',
      create('e0', { ...owners, issuer: addr(registrar) }),
      'VOTING_OWNER_ISSUER',
    );
  });

  it('enrols owners whose credentials are valid, once each; refuses revoked, missing and repeated ones', () => {
    const mc = chain();
    run(mc, registrar, 'voting', 'create', create('e1'));
    const enrol = (voters: CborMap[]) => ({ election: 'e1', voters });
    run(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([
        { credential: cred('a'), weight: 9000, owner: 1 },
        { credential: cred('b'), weight: 8000, owner: 2 },
      ]),
    );
    const e = () =>
      (mc.query('voting', 'get', { election: 'e1' }) as { election: { electorate: { count: number } } })
        .election.electorate;
    expect(e().count).toBe(2);
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([{ credential: cred('c'), weight: 1, owner: 7 }]),
      'VOTING_OWNER_REVOKED',
    );
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([{ credential: cred('c'), weight: 1 }]),
      'VOTING_OWNER_REQUIRED',
    );
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([{ credential: cred('c'), weight: 1, owner: 2 }]),
      'VOTING_OWNER_ENROLLED',
    );
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([
        { credential: cred('c'), weight: 1, owner: 5 },
        { credential: cred('d'), weight: 1, owner: 5 },
      ]),
      'VOTING_OWNER_ENROLLED',
    );
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([{ credential: cred('c'), weight: 1, owner: 1 << 20 }]),
      'VOTING_OWNER_REVOKED',
    );
    // Revoking a credential later stops it from enrolling; withdrawn recognition stops everyone.
    run(mc, bureau, 'identity', 'setStatus', {
      issuer: addr(bureau),
      list: 'owners',
      indexes: [3],
      value: true,
    });
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([{ credential: cred('c'), weight: 1, owner: 3 }]),
      'VOTING_OWNER_REVOKED',
    );
    run(mc, registrar, 'identity', 'derecognizeIssuer', {
      id: addr(bureau),
      category: 'government',
      reason: 'audit',
    });
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      enrol([{ credential: cred('c'), weight: 1, owner: 4 }]),
      'VOTING_OWNER_ISSUER',
    );
    expect(e().count).toBe(2);
  });

  it('an election without owner credentials takes no owner index', () => {
    const mc = chain();
    const { owners: _o, ...plain } = create('e2');
    run(mc, registrar, 'voting', 'create', plain);
    refused(
      mc,
      registrar,
      'voting',
      'enrol',
      { election: 'e2', voters: [{ credential: cred('a'), weight: 5, owner: 1 }] },
      'VOTING_OWNER_ISSUER',
    );
    run(mc, registrar, 'voting', 'enrol', { election: 'e2', voters: [{ credential: cred('a'), weight: 5 }] });
  });
});
