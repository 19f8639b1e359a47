import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { encodeCanonical, toHex, utf8 } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';
import { BlockExecutor, type CandidateTx, ModuleRegistry, QueryArgs } from '../../src/execution/index.js';
import {
  type BlockHeader,
  type CborMap,
  DEFAULT_PARAMS,
  encodeTx,
  type Genesis,
  txHash,
} from '../../src/ledger/index.js';
import { governanceAuthorizer, readParams } from '../../src/modules/governance/index.js';
import { defaultPermissionRows } from '../../src/modules/index.js';
import { buildGenesisBlock } from '../../src/node/genesis-block.js';
import { DEFAULT_MODULES } from '../../src/node/gongzhi-node.js';
import { MapSource, StateOverlay } from '../../src/state/index.js';

/**
 * Governance driven through the real block executor from a fixed genesis with fixed keys, so the
 * block hashes (which commit to every state root and receipt) are pinned: moving the module onto
 * the kit must not change a single write, event, status or message.
 */

const suite = getSuite('ed25519');
const key = (seed: string): KeyPair => {
  const secretKey = suite.hash(utf8(`governance-test-${seed}`));
  return { secretKey, publicKey: suite.publicKeyFromSecret(secretKey) };
};
const addr = (k: KeyPair): string => suite.address(k.publicKey);
const [a0, a1, a2, a3] = [key('a0'), key('a1'), key('a2'), key('a3')] as [KeyPair, KeyPair, KeyPair, KeyPair];
const outsider = key('outsider');
const newAdmin = key('new-admin');
const newNode = key('new-node');

/** Methods added after the hashes below were pinned (issue 17: consent and confirmation steps, item 14). */
const ADDED_SINCE_PIN = new Set([
  'points.backExchange',
  'points.bindDevice',
  'points.confirmArea',
  'points.confirmFunding',
  'points.confirmWithdrawal',
  'points.consentQuota',
  'points.decideDispute',
  'points.defineArea',
  'points.disputeExchangeStatement',
  'points.giveConsent',
  'points.openDispute',
  'points.registerDevice',
  'points.releaseDevice',
  'points.retireMethodology',
  'points.setArea',
  'points.setAreaWorker',
  'points.setBreakage',
  'points.settleExchange',
  'points.signExchangeStatement',
  'points.useUnits',
  'points.validateMethodology',
  'points.verifyReductions',
  'points.withdrawConsent',
]);

const genesis: Genesis = {
  chain: 'gov-chain',
  group: 'main',
  suite: 'ed25519',
  timestamp: 1_700_000_000_000,
  params: { ...DEFAULT_PARAMS, proposalLifetime: 6 },
  orgs: [a0, a1, a2].map((a, i) => ({
    id: `org${i}`,
    name: `Org ${i}`,
    admins: [toHex(a.publicKey)],
    nodes: [{ id: `org${i}-node`, publicKey: toHex(key(`node${i}`).publicKey) }],
  })),
  committee: {
    members: [a0, a1, a2].map((a) => ({ account: addr(a), weight: 1 })),
    threshold: 67,
  },
  roles: { [addr(outsider)]: ['notary'] },
  // The permission rows of the modules the hashes were pinned with: registering a new module, or
  // a method added to one of these later, adds rows (a different genesis), which must not move this
  // scenario's hashes — the scenario calls none of them.
  permissions: Object.fromEntries(
    Object.entries(
      defaultPermissionRows(
        DEFAULT_MODULES.filter((m) => ['governance', 'evidence', 'points', 'identity'].includes(m.name)),
      ),
    ).filter(([method]) => !ADDED_SINCE_PIN.has(method)),
  ),
};

class Driver {
  readonly state = new Map<string, Uint8Array>();
  readonly registry = new ModuleRegistry(DEFAULT_MODULES);
  readonly executor = new BlockExecutor({
    suite,
    registry: this.registry,
    authorizer: governanceAuthorizer,
    params: readParams,
  });
  head: BlockHeader;
  readonly hashes: string[] = [];
  readonly statuses: string[] = [];
  private nonce = 0;

  constructor() {
    const g = buildGenesisBlock(suite, this.registry, genesis);
    for (const [k, v] of g.writes) if (v !== null) this.state.set(k, v);
    this.head = g.header;
    this.hashes.push(toHex(g.hash));
  }

  tx(k: KeyPair, method: string, args: CborMap): CandidateTx {
    this.nonce += 1;
    const body = {
      chain: genesis.chain,
      group: genesis.group,
      sender: k.publicKey,
      nonce: `n${this.nonce}`,
      validUntil: this.head.height + 100,
      module: 'governance',
      method,
      args,
    };
    const tx = { body, sig: new Uint8Array(64) };
    return { tx, hash: txHash(suite, body), bytes: encodeTx(tx), sender: addr(k), verified: true };
  }

  /** One block; returns the receipt statuses. */
  block(txs: CandidateTx[]): string[] {
    const res = this.executor.execute(
      { parent: this.head, timestamp: this.head.timestamp + 1000, order: {}, txs },
      new MapSource(this.state),
      { has: () => false },
    );
    for (const [k, v] of res.writes) {
      if (v === null) this.state.delete(k);
      else this.state.set(k, v);
    }
    this.head = res.header;
    this.hashes.push(toHex(res.hash));
    const statuses = res.receipts.map((r) => r.status);
    this.statuses.push(statuses.join(' '));
    return statuses;
  }

  query(name: string, args: Readonly<Record<string, unknown>> = {}): unknown {
    return this.registry.query('governance', name).run(
      {
        state: new StateOverlay(new MapSource(this.state)),
        suite,
        group: 'main',
        height: this.head.height,
      },
      new QueryArgs(args),
    );
  }
}

const propose = (action: CborMap): CborMap => ({ action });
const vote = (id: number, approve = true): CborMap => ({ id, approve });

/** The scenario: every action type, passed, rejected, failed and expired proposals, and refusals. */
function scenario(): Driver {
  const d = new Driver();
  // 1: freeze the outsider (passes with a third vote), a rejected threshold change.
  d.block([
    d.tx(a0, 'propose', propose({ type: 'freeze', account: addr(outsider) })),
    d.tx(a1, 'vote', vote(1)),
    d.tx(a0, 'propose', propose({ type: 'setThreshold', threshold: 90 })),
    d.tx(a1, 'vote', vote(2, false)),
  ]);
  // 2: refusals: frozen sender, already voted, closed, unknown proposal, bad args, invalid change.
  d.block([
    d.tx(a2, 'vote', vote(1)),
    d.tx(outsider, 'propose', propose({ type: 'unfreeze', account: addr(outsider) })),
    d.tx(a0, 'vote', vote(1)),
    d.tx(a2, 'vote', vote(2)),
    d.tx(a2, 'vote', vote(99)),
    d.tx(a0, 'propose', propose({ type: 'nope' })),
    d.tx(a0, 'propose', propose({ type: 'freeze', account: 'not-an-address' })),
    d.tx(a0, 'propose', { action: { type: 'freeze', account: addr(a3) }, extra: 1 }),
    d.tx(a0, 'propose', propose({ type: 'setParam', name: 'nope', value: 1 })),
    d.tx(a0, 'propose', propose({ type: 'setParam', name: 'maxBlockTxs', value: 0 })),
    d.tx(a0, 'propose', propose({ type: 'grantRole', account: addr(a3), role: 'committee' })),
    d.tx(a0, 'propose', propose({ type: 'setPermission', method: 'bad', roles: ['org'] })),
    d.tx(a0, 'propose', propose({ type: 'removeOrg', id: 'org9' })),
    d.tx(a0, 'vote', { id: 1 }),
  ]);
  // 3: add an org, a member with weight 2, grant a role; two removals of the same org (the second fails).
  d.block([
    d.tx(
      a0,
      'propose',
      propose({
        type: 'addOrg',
        org: {
          id: 'org9',
          name: 'Org 9',
          admins: [toHex(newAdmin.publicKey)],
          nodes: [{ id: 'org9-node', publicKey: toHex(newNode.publicKey) }],
        },
      }),
    ),
    d.tx(a1, 'vote', vote(3)),
    d.tx(a2, 'vote', vote(3)),
    d.tx(a0, 'propose', propose({ type: 'setMember', account: addr(a3), weight: 2 })),
    d.tx(a1, 'vote', vote(4)),
    d.tx(a2, 'vote', vote(4)),
    d.tx(a0, 'propose', propose({ type: 'grantRole', account: addr(a3), role: 'issuer' })),
    d.tx(a0, 'propose', propose({ type: 'removeOrg', id: 'org2' })),
    d.tx(a0, 'propose', propose({ type: 'removeOrg', id: 'org2' })),
    d.tx(a0, 'propose', propose({ type: 'addOrg', org: { id: 'org1', name: 'x', admins: [], nodes: [] } })),
  ]);
  // 4: a3 (weight 2) votes: proposals 5..9 pass, except 7 (6 removed org2 already) which fails.
  d.block([
    d.tx(a3, 'vote', vote(5)),
    d.tx(a1, 'vote', vote(5)),
    d.tx(a3, 'vote', vote(6)),
    d.tx(a1, 'vote', vote(6)),
    d.tx(a3, 'vote', vote(7)),
    d.tx(a1, 'vote', vote(7)),
    d.tx(a0, 'propose', propose({ type: 'setPermission', method: 'governance.propose', roles: ['*'] })),
    d.tx(a3, 'vote', vote(8)),
    d.tx(a1, 'vote', vote(8)),
    d.tx(a0, 'propose', propose({ type: 'setParam', name: 'proposalLifetime', value: 3 })),
    d.tx(a3, 'vote', vote(9)),
    d.tx(a1, 'vote', vote(9)),
  ]);
  // 5: revoke, threshold 50, member removal; a non-member proposing now passes the authorizer
  // (governance.propose is open) and hits the module's own check; 11 and 14 stay open.
  d.block([
    d.tx(a0, 'propose', propose({ type: 'revokeRole', account: addr(a3), role: 'issuer' })),
    d.tx(a0, 'propose', propose({ type: 'unfreeze', account: addr(outsider) })),
    d.tx(a3, 'vote', vote(10)),
    d.tx(a1, 'vote', vote(10)),
    d.tx(a0, 'propose', propose({ type: 'setThreshold', threshold: 50 })),
    d.tx(a3, 'vote', vote(12)),
    d.tx(a1, 'vote', vote(12)),
    d.tx(newAdmin, 'propose', propose({ type: 'setThreshold', threshold: 10 })),
    d.tx(a0, 'propose', propose({ type: 'setMember', account: addr(a2), weight: 0 })),
    d.tx(a3, 'vote', vote(13)),
    d.tx(a0, 'propose', propose({ type: 'setPermission', method: 'evidence.note', roles: [] })),
  ]);
  // 6..9: 11 expires (lifetime 3) and a late vote is refused; 15 freezes a1, after which a1 no
  // longer counts, so a3 alone carries 14; a2 left the committee and is refused.
  d.block([d.tx(a0, 'propose', propose({ type: 'freeze', account: addr(a1) }))]);
  d.block([]);
  d.block([]);
  d.block([
    d.tx(a1, 'vote', vote(11)),
    d.tx(a3, 'vote', vote(15)),
    d.tx(a1, 'vote', vote(14)),
    d.tx(a2, 'vote', vote(14)),
    d.tx(a3, 'vote', vote(14)),
    d.tx(a0, 'propose', propose({ type: 'setThreshold', threshold: 60 })),
    d.tx(a3, 'vote', vote(16)),
    d.tx(a3, 'vote', vote(17)),
  ]);
  return d;
}

/** Query results as JSON text (key order included), as the API serialises them. */
function queryTexts(d: Driver): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['params', 'committee', 'orgs', 'nodes', 'permissions', 'proposals']) {
    out[name] = JSON.stringify(d.query(name));
  }
  for (let id = 1; id <= 16; id++)
    out[`proposal ${id}`] = JSON.stringify(d.query('proposal', { id: String(id) }));
  for (const k of [a0, a1, a2, a3, outsider, newAdmin]) {
    out[`roles ${addr(k)}`] = JSON.stringify(d.query('roles', { account: addr(k) }));
    out[`frozen ${addr(k)}`] = JSON.stringify(d.query('frozen', { account: addr(k) }));
  }
  return out;
}

/** Block hashes (0 = genesis) of the scenario, recorded before governance moved onto the module kit. */
const PINNED_HASHES = [
  '04b8d62a97cfa1fe68604a3d4df71e2f1c0dee72ca5ad47217d957d2be852471',
  '786e33aaa0b1a5e2f046f16962ba654ef6e3a975f2c0fe10b45f652fb2fc73f1',
  'f7381d1539875a59f9e6e491b7805a9f955c4c0bb241b7a6d4245d6034722979',
  '7e546252887e9d866471a132399711865927543d32513087941589960eb6f3f3',
  '59fa30ab10a5519539cdbf757cd8c7492fafd3d92e9dcab8aba93f9bca805015',
  '1e088203eba7832511b50b31e862cb6b32f7f91bc6f40056e21f3de2b5cc18d1',
  'ee304f423f785684170116a5025f95406d4d9b68a0fafa074e9c947349861c40',
  '984f46a2dcb54aef1a128d655f4a3d422f5b751fd5c91dce939082b602bd48ea',
  '18daf764fb2ba44048b1a0ae29b01aebeb1151823a23aabaef61f8d6f3b30020',
  '4b381418e9bf2c2386984b3acac46f33d88c038de25543724ffb70bf9beb5f05',
];
/** SHA-256 of the JSON text of every query answer (`queryTexts`), recorded likewise. */
const PINNED_QUERIES = '1c0f3ce0a9682c7d765ad805cb51f4666b97995e4b04030966d043e2f5b4c848';
/** Receipt statuses per block. */
const PINNED_STATUSES = [
  'ok ok ok ok',
  'ok EXEC_ACCOUNT_FROZEN GOV_PROPOSAL_CLOSED GOV_PROPOSAL_CLOSED GOV_PROPOSAL_NOT_FOUND EXEC_BAD_ARGS GOV_INVALID_CHANGE EXEC_BAD_ARGS GOV_INVALID_CHANGE GOV_INVALID_CHANGE GOV_INVALID_CHANGE GOV_INVALID_CHANGE GOV_UNKNOWN_ORG EXEC_BAD_ARGS',
  'ok ok ok ok ok ok ok ok ok GOV_INVALID_CHANGE',
  'ok ok ok ok ok ok ok ok ok ok ok ok',
  'ok ok ok ok ok ok ok GOV_NOT_COMMITTEE ok ok ok',
  'ok',
  '',
  '',
  'GOV_PROPOSAL_CLOSED ok EXEC_ACCOUNT_FROZEN EXEC_PERMISSION_DENIED GOV_PROPOSAL_CLOSED ok ok GOV_PROPOSAL_NOT_FOUND',
];

const digestOf = (s: string): string => toHex(suite.hash(utf8(s)));

describe('governance on the real executor', () => {
  it('keeps block hashes (state roots, receipts) and query JSON of a full scenario', () => {
    const d = scenario();
    expect(d.statuses).toEqual(PINNED_STATUSES);
    expect(d.hashes).toEqual(PINNED_HASHES);
    expect(digestOf(JSON.stringify(queryTexts(d)))).toBe(PINNED_QUERIES);
  });
});

/** The code `f` throws (fails the test when it does not throw a GongzhiError). */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof GongzhiError) return e.code;
    throw e;
  }
  throw new Error('expected a GongzhiError');
}

describe('governance stored records are read strictly', () => {
  const base = scenario();
  /** A driver on the scenario's final state with `key` overwritten by `value`. */
  const damaged = (key: string, value: Parameters<typeof encodeCanonical>[0]): Driver => {
    const d = new Driver();
    for (const [k, v] of base.state) d.state.set(k, v);
    d.head = base.head;
    d.state.set(key, encodeCanonical(value));
    return d;
  };
  const reader = (d: Driver) => new StateOverlay(new MapSource(d.state));
  const a0Addr = addr(a0);

  it('parameters: a malformed record is CHAIN_INVALID (also for the block executor), absent means defaults', () => {
    const good = readParams(reader(base));
    for (const bad of [
      'not a map',
      { ...good, maxBlockTxs: 'many' },
      { ...good, maxBlockTxs: 0 },
      { ...good, extra: 1 },
      { blockIntervalMs: 200 },
    ]) {
      const d = damaged('governance/params', bad);
      expect(codeOf(() => readParams(reader(d)))).toBe('CHAIN_INVALID');
      expect(codeOf(() => d.query('params'))).toBe('CHAIN_INVALID');
      expect(codeOf(() => d.block([d.tx(a0, 'vote', vote(1))]))).toBe('CHAIN_INVALID');
    }
    expect(readParams(new StateOverlay(new MapSource()))).toEqual(DEFAULT_PARAMS);
  });

  it('committee: malformed or missing is CHAIN_INVALID, for queries and for proposing', () => {
    const malformed = [
      { members: [{ account: 7, weight: 1 }], threshold: 67 },
      { members: [{ account: a0Addr, weight: 0 }], threshold: 67 },
      { members: [{ account: a0Addr, weight: 1, extra: true }], threshold: 67 },
      { members: [{ account: a0Addr, weight: 1 }], threshold: 101 },
      { members: 'all', threshold: 67 },
    ];
    for (const bad of malformed) {
      const d = damaged('governance/committee', bad);
      expect(codeOf(() => d.query('committee'))).toBe('CHAIN_INVALID');
      expect(d.block([d.tx(a0, 'propose', propose({ type: 'setThreshold', threshold: 70 }))])).toEqual([
        'CHAIN_INVALID',
      ]);
    }
    const d = damaged('governance/committee', null);
    d.state.delete('governance/committee');
    expect(codeOf(() => d.query('committee'))).toBe('CHAIN_INVALID');
  });

  it('organisations and their index: junk is CHAIN_INVALID, never filtered out', () => {
    const org0 = { id: 'org0', name: 'Org 0', admins: [toHex(a0.publicKey)], nodes: [] };
    for (const bad of [
      { ...org0, name: 5 },
      { ...org0, admins: [toHex(a0.publicKey), 9] },
      { ...org0, admins: ['XYZ'] },
      { ...org0, nodes: [{ id: 'n', publicKey: 'ab', extra: 1 }] },
      { id: 'org0', name: 'Org 0', admins: [] },
    ]) {
      const d = damaged('governance/org/org0', bad);
      expect(codeOf(() => d.query('orgs'))).toBe('CHAIN_INVALID');
      expect(codeOf(() => d.query('nodes'))).toBe('CHAIN_INVALID');
    }
    for (const bad of [['org0', 7], 'org0', ['org0', 'Not An Id'], ['org0', 'org7']]) {
      const d = damaged('governance/orgs', bad);
      expect(codeOf(() => d.query('orgs'))).toBe('CHAIN_INVALID');
    }
  });

  it('roles, permission rows and the permission index: junk is CHAIN_INVALID, also in the authorizer', () => {
    const dr = damaged(`governance/roles/${a0Addr}`, ['committee', 3]);
    expect(codeOf(() => dr.query('roles', { account: a0Addr }))).toBe('CHAIN_INVALID');
    // governance.propose is open to any account ('*') in the final state; vote still needs roles.
    expect(dr.block([dr.tx(a0, 'vote', vote(14))])).toEqual(['CHAIN_INVALID']);
    const dp = damaged('governance/perm/governance.vote', 'committee');
    expect(codeOf(() => dp.query('permissions'))).toBe('CHAIN_INVALID');
    expect(dp.block([dp.tx(a0, 'vote', vote(14))])).toEqual(['CHAIN_INVALID']);
    const di = damaged('governance/perms', ['governance.vote', 1]);
    expect(codeOf(() => di.query('permissions'))).toBe('CHAIN_INVALID');
    expect(
      codeOf(() => damaged(`governance/roles/${a0Addr}`, ['']).query('roles', { account: a0Addr })),
    ).toBe('CHAIN_INVALID');
  });

  it('frozen flags: anything but `true` is CHAIN_INVALID, also in the authorizer', () => {
    const d = damaged(`governance/frozen/${a0Addr}`, 1);
    expect(codeOf(() => d.query('frozen', { account: a0Addr }))).toBe('CHAIN_INVALID');
    expect(d.block([d.tx(a0, 'vote', vote(14))])).toEqual(['CHAIN_INVALID']);
  });

  it('proposals and the next id: junk is CHAIN_INVALID for queries and votes', () => {
    const stored = base.query('proposal', { id: '1' }) as Record<string, unknown>;
    const open = base.query('proposal', { id: '14' }) as Record<string, unknown>;
    const { closedAt: _closedAt, ...unclosed } = stored;
    for (const [id, bad] of [
      ['1', { ...stored, status: 'weird' }],
      ['1', { ...stored, action: { type: 'nope' } }],
      ['1', { ...stored, action: { type: 'freeze', account: 'x' } }],
      ['1', { ...stored, votes: { [a0Addr]: 'yes' } }],
      ['1', unclosed],
      ['1', { ...stored, failure: 'GOV_UNKNOWN_ORG' }],
      ['1', { ...stored, id: 2 }],
      ['1', { ...stored, extra: 1 }],
      ['14', { ...open, closedAt: 9 }],
      ['14', [1, 2]],
    ] as const) {
      const d = damaged(`governance/proposal/${id}`, bad as never);
      expect(codeOf(() => d.query('proposal', { id }))).toBe('CHAIN_INVALID');
      expect(codeOf(() => d.query('proposals'))).toBe('CHAIN_INVALID');
      if (id === '14') expect(d.block([d.tx(a3, 'vote', vote(14))])).toEqual(['CHAIN_INVALID']);
    }
    const dn = damaged('governance/nextProposal', 'seventeen');
    expect(codeOf(() => dn.query('proposals'))).toBe('CHAIN_INVALID');
    expect(dn.block([dn.tx(a0, 'propose', propose({ type: 'setThreshold', threshold: 70 }))])).toEqual([
      'CHAIN_INVALID',
    ]);
  });
});

describe('governance query parameters', () => {
  const d = scenario();
  /** The error of a query: its code and the parameter it names. */
  const errorOf = (name: string, args: Record<string, unknown>): { code: string; name: unknown } => {
    try {
      d.query(name, args);
    } catch (e) {
      if (e instanceof GongzhiError) return { code: e.code, name: e.details.name };
      throw e;
    }
    throw new Error(`query ${name} did not fail`);
  };

  it('refuses bad parameters with EXEC_BAD_ARGS naming the parameter', () => {
    for (const args of [{}, { id: '' }, { id: 'abc' }, { id: '0' }, { id: '-1' }, { id: '1.5' }, { id: 0 }]) {
      expect(errorOf('proposal', args)).toEqual({ code: 'EXEC_BAD_ARGS', name: 'id' });
    }
    for (const q of ['roles', 'frozen']) {
      for (const args of [
        {},
        { account: '' },
        { account: 'a/b' },
        { account: 'x'.repeat(129) },
        { account: 7 },
      ]) {
        expect(errorOf(q, args)).toEqual({ code: 'EXEC_BAD_ARGS', name: 'account' });
      }
    }
  });

  it('accepts ids as numbers or strings; an unknown id is GOV_PROPOSAL_NOT_FOUND', () => {
    expect(d.query('proposal', { id: 1 })).toEqual(d.query('proposal', { id: '1' }));
    expect(errorOf('proposal', { id: '999' }).code).toBe('GOV_PROPOSAL_NOT_FOUND');
  });

  it('describes every method and query with schemas', () => {
    const info = d.registry.describe().find((m) => m.name === 'governance');
    expect(info?.methods.map((m) => [m.name, m.roles])).toEqual([
      ['propose', ['committee']],
      ['vote', ['committee']],
    ]);
    for (const m of info?.methods ?? []) expect(m.summary.length).toBeGreaterThan(0);
    for (const q of info?.queries ?? []) {
      expect(q.summary.length).toBeGreaterThan(0);
      expect(q.args).toMatchObject({ type: 'object' });
    }
  });
});

describe('governance genesis', () => {
  const registry = new ModuleRegistry(DEFAULT_MODULES);
  const codeOfGenesis = (g: Genesis): string => codeOf(() => buildGenesisBlock(suite, registry, g));

  it('refuses a genesis whose records the strict codecs could not read back', () => {
    expect(codeOfGenesis({ ...genesis, params: { ...genesis.params, extra: 1 } as never })).toBe(
      'GENESIS_INVALID',
    );
    expect(codeOfGenesis({ ...genesis, roles: { [addr(outsider)]: [7] as never } })).toBe('GENESIS_INVALID');
    const org = genesis.orgs[0] as Genesis['orgs'][number];
    const admins = Array.from({ length: 65 }, () => org.admins[0] as string);
    expect(codeOfGenesis({ ...genesis, orgs: [{ ...org, admins }] })).toBe('GENESIS_INVALID');
  });
});
