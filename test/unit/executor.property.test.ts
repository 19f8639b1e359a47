import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { encodeCanonical, toHex, utf8 } from '../../src/encoding/index.js';
import {
  BlockExecutor,
  type BlockResult,
  type CandidateTx,
  defineMethod,
  defineModule,
  type LedgerModule,
  ModuleRegistry,
  type NonceIndex,
  S,
} from '../../src/execution/index.js';
import {
  type CborMap,
  encodeTx,
  type Genesis,
  type SignedTx,
  signTx,
  type TxBody,
  txHash,
} from '../../src/ledger/index.js';
import { governanceAuthorizer, readParams } from '../../src/modules/governance/index.js';
import { buildGenesisBlock } from '../../src/node/genesis-block.js';
import { DEFAULT_MODULES } from '../../src/node/gongzhi-node.js';
import type { PendingWrite } from '../../src/state/index.js';
import { MapSource, StateOverlay } from '../../src/state/index.js';
import { testConsortium } from '../helpers/fixtures.js';

/**
 * Property: a transaction that is rejected — dropped at block-building admission, or included
 * with a failed receipt — changes nothing. A block mixing valid and invalid transactions must
 * reach exactly the state of the block holding only the valid ones.
 */

const consortium = testConsortium({ orgs: 3 });
const suite = consortium.suite;
const admins = consortium.admins;
const outsider = suite.generateKeyPair();
const addr = (k: KeyPair): string => suite.address(k.publicKey);

/** A module whose method writes and emits, then throws from `apply`: its effects must be discarded. */
const faultyModule: LedgerModule = defineModule({
  name: 'faulty',
  summary: 'test module whose method throws after writing',
  permissions: { boom: ['*'] },
  errors: {},
  methods: {
    boom: defineMethod<CborMap>({
      summary: 'writes, emits, then throws',
      args: S.Object({}),
      parse: (a) => a,
      check: () => undefined,
      apply: (ctx) => {
        ctx.state.set('faulty/x', 1);
        ctx.state.delete('governance/params');
        ctx.emit('boom', { at: ctx.height });
        throw new Error('exploded after writing');
      },
    }),
  },
  queries: {},
});

const baseGenesis = consortium.genesis[0] as Genesis;
const genesis: Genesis = {
  ...baseGenesis,
  permissions: { ...baseGenesis.permissions, 'faulty.boom': ['*'] },
};
const registry = new ModuleRegistry([...DEFAULT_MODULES, faultyModule]);
const genesisBlock = buildGenesisBlock(suite, new ModuleRegistry(DEFAULT_MODULES), genesis);
const genesisState = new Map<string, Uint8Array>();
for (const [k, v] of genesisBlock.writes) if (v !== null) genesisState.set(k, v);

const executor = new BlockExecutor({ suite, registry, authorizer: governanceAuthorizer, params: readParams });
const params = readParams(new StateOverlay(new MapSource(genesisState)));

/** Nonces already used in committed blocks: `c-<i>` for every admin and the outsider. */
const committedNonces = new Set([...admins, outsider].map((k, i) => `${addr(k)}\u0000c-${i}`));
const nonceIndex: NonceIndex = { has: (s, n) => committedNonces.has(`${s}\u0000${n}`) };
const committedNonceOf = (k: KeyPair): string => `c-${[...admins, outsider].indexOf(k)}`;

function meta(): CborMap {
  return { type: 'photo', capturedBy: 'officer-17', capturedAt: 1_699_999_000_000, method: 'camera' };
}

function body(key: KeyPair, nonce: string, over: Partial<TxBody> = {}): TxBody {
  return {
    chain: genesis.chain,
    group: genesis.group,
    sender: key.publicKey,
    nonce,
    validUntil: 500,
    module: 'evidence',
    method: 'anchor',
    args: { digest: suite.hash(utf8(nonce)), alg: 'sha256', meta: meta() },
    ...over,
  };
}

function candidate(tx: SignedTx): CandidateTx {
  return {
    tx,
    hash: txHash(suite, tx.body),
    bytes: encodeTx(tx),
    sender: suite.address(tx.body.sender),
    verified: false,
  };
}

function execute(txs: readonly SignedTx[]): BlockResult {
  return executor.execute(
    {
      parent: genesisBlock.header,
      timestamp: genesisBlock.header.timestamp + 1000,
      order: {},
      // Fresh candidates every time: admission marks them verified.
      txs: txs.map(candidate),
    },
    new MapSource(genesisState),
    nonceIndex,
  );
}

const DROP_KINDS = {
  badSigFlip: 'TX_BAD_SIGNATURE',
  badSigOtherKey: 'TX_BAD_SIGNATURE',
  wrongGroup: 'TX_WRONG_GROUP',
  wrongChain: 'TX_WRONG_CHAIN',
  expired: 'TX_EXPIRED',
  windowTooLong: 'TX_WINDOW_TOO_LONG',
  committedNonce: 'TX_NONCE_REPLAYED',
  inBlockNonce: 'TX_NONCE_REPLAYED',
  duplicate: 'TX_NONCE_REPLAYED',
} as const;

const FAIL_KINDS = {
  unknownModule: 'EXEC_UNKNOWN_MODULE',
  unknownMethod: 'EXEC_UNKNOWN_METHOD',
  badArgs: 'EXEC_BAD_ARGS',
  badDigest: 'EVIDENCE_BAD_DIGEST',
  noPermission: 'EXEC_PERMISSION_DENIED',
  outsiderPropose: 'EXEC_PERMISSION_DENIED',
  badProposal: 'GOV_INVALID_CHANGE',
  cosignMissing: 'EVIDENCE_NOT_FOUND',
  anchorExisting: 'EVIDENCE_EXISTS',
  applyThrows: 'EXEC_INTERNAL',
} as const;

type DropKind = keyof typeof DROP_KINDS;
type FailKind = keyof typeof FAIL_KINDS;
type Kind = DropKind | FailKind;
const KINDS = [...Object.keys(DROP_KINDS), ...Object.keys(FAIL_KINDS)] as Kind[];
/** Kinds that refer to a valid transaction placed before them in the block. */
const NEEDS_EARLIER: ReadonlySet<Kind> = new Set<Kind>(['inBlockNonce', 'duplicate', 'anchorExisting']);

interface ValidSpec {
  readonly digest: Uint8Array;
  readonly who: number;
  readonly validUntil: number;
}
interface InvalidSpec {
  readonly kind: Kind;
  readonly pos: number;
  readonly who: number;
  readonly ref: number;
}

interface Scenario {
  readonly all: SignedTx[];
  readonly validOnly: SignedTx[];
  /** Per tx of `all`: null for valid, else what must happen to it. */
  readonly expect: ({ stage: 'drop' | 'fail'; code: string; kind: Kind } | null)[];
}

function build(valid: readonly ValidSpec[], invalid: readonly InvalidSpec[]): Scenario {
  const validTxs = valid.map((v, i) =>
    signTx(
      suite,
      (admins[v.who % admins.length] as KeyPair).secretKey,
      body(admins[v.who % admins.length] as KeyPair, `v${i}`, {
        validUntil: v.validUntil,
        args: { digest: v.digest, alg: 'sha256', meta: meta() },
      }),
    ),
  );
  const V = validTxs.length;
  const placed = invalid.map((s, j) => {
    const pos = NEEDS_EARLIER.has(s.kind) ? 1 + (s.pos % V) : s.pos % (V + 1);
    return { s, j, pos };
  });
  const all: SignedTx[] = [];
  const expect: Scenario['expect'] = [];
  for (let p = 0; p <= V; p++) {
    for (const { s, j, pos } of placed) {
      if (pos !== p) continue;
      all.push(invalidTx(s, j, validTxs.slice(0, pos), valid.slice(0, pos)));
      const drop = (DROP_KINDS as Record<string, string>)[s.kind];
      const fail = (FAIL_KINDS as Record<string, string>)[s.kind];
      expect.push(
        drop !== undefined
          ? { stage: 'drop', code: drop, kind: s.kind }
          : { stage: 'fail', code: fail as string, kind: s.kind },
      );
    }
    if (p < V) {
      all.push(validTxs[p] as SignedTx);
      expect.push(null);
    }
  }
  return { all, validOnly: validTxs, expect };
}

function invalidTx(
  s: InvalidSpec,
  j: number,
  earlier: SignedTx[],
  earlierSpecs: readonly ValidSpec[],
): SignedTx {
  const key = admins[s.who % admins.length] as KeyPair;
  const other = admins[(s.who + 1) % admins.length] as KeyPair;
  const nonce = `x${j}`;
  const signed = (k: KeyPair, over: Partial<TxBody> = {}): SignedTx =>
    signTx(suite, k.secretKey, body(k, nonce, over));
  switch (s.kind) {
    case 'badSigFlip': {
      const tx = signed(key);
      const sig = Uint8Array.from(tx.sig);
      sig[s.ref % sig.length] = (sig[s.ref % sig.length] as number) ^ (1 << (s.ref % 8));
      return { body: tx.body, sig };
    }
    case 'badSigOtherKey':
      // Claims `key` as sender but is signed by another admin.
      return signTx(suite, other.secretKey, body(key, nonce));
    case 'wrongGroup':
      return signed(key, { group: `${genesis.group}-other` });
    case 'wrongChain':
      return signed(key, { chain: 'other-chain' });
    case 'expired':
      return signed(key, { validUntil: 0 });
    case 'windowTooLong':
      return signed(key, { validUntil: params.maxValidityWindow + 1 + (s.ref % 5) });
    case 'committedNonce':
      return signTx(suite, key.secretKey, body(key, committedNonceOf(key)));
    case 'inBlockNonce': {
      const k = s.ref % earlier.length;
      const prev = earlier[k] as SignedTx;
      const owner = admins[(earlierSpecs[k] as ValidSpec).who % admins.length] as KeyPair;
      // Same sender and nonce, different content.
      return signTx(suite, owner.secretKey, body(owner, prev.body.nonce));
    }
    case 'duplicate':
      return earlier[s.ref % earlier.length] as SignedTx;
    case 'unknownModule':
      return signed(key, { module: 'nosuch' });
    case 'unknownMethod':
      return signed(key, { method: 'burn' });
    case 'badArgs':
      return signed(key, { args: { digest: suite.hash(utf8(nonce)), alg: 'sha256' } });
    case 'badDigest':
      return signed(key, { args: { digest: new Uint8Array(31), alg: 'sha256', meta: meta() } });
    case 'noPermission':
      return signed(outsider);
    case 'outsiderPropose':
      return signed(outsider, {
        module: 'governance',
        method: 'propose',
        args: { action: { type: 'setThreshold', threshold: 51 } },
      });
    case 'badProposal':
      return signed(key, {
        module: 'governance',
        method: 'propose',
        args: { action: { type: 'setParam', name: 'noSuchParam', value: 1 } },
      });
    case 'cosignMissing':
      return signed(key, { method: 'cosign', args: { digest: suite.hash(utf8(`missing-${j}`)) } });
    case 'anchorExisting': {
      const prev = earlier[s.ref % earlier.length] as SignedTx;
      return signed(key, { args: { digest: prev.body.args.digest as Uint8Array, alg: 'sm3', meta: meta() } });
    }
    case 'applyThrows':
      return signed(key, { module: 'faulty', method: 'boom', args: { n: s.ref } });
  }
}

function writesHex(w: ReadonlyMap<string, PendingWrite>): [string, string | null][] {
  return [...w].map(([k, v]) => [k, v === null ? null : toHex(v)]);
}

function checkScenario(sc: Scenario): void {
  const mixed = execute(sc.all);
  const clean = execute(sc.validOnly);

  // The valid-only block includes everything and every receipt is ok.
  expect(clean.dropped).toEqual([]);
  expect(clean.receipts.map((r) => r.status)).toEqual(sc.validOnly.map(() => 'ok'));

  const hashes = sc.all.map((t) => toHex(txHash(suite, t.body)));
  const expectedDropped = sc.expect.flatMap((e, i) =>
    e?.stage === 'drop' ? [{ hash: hashes[i], code: e.code, kind: e.kind }] : [],
  );
  expect(
    mixed.dropped.map((d, x) => ({
      hash: toHex(d.hash),
      code: d.error.code,
      kind: expectedDropped[x]?.kind,
    })),
  ).toEqual(expectedDropped);

  const expectedIncluded = sc.expect.flatMap((e, i) => (e?.stage === 'drop' ? [] : [{ i, e }]));
  expect(mixed.included.map((c) => toHex(c.hash))).toEqual(expectedIncluded.map(({ i }) => hashes[i]));
  expect(mixed.header.txCount).toBe(expectedIncluded.length);
  expect(mixed.receipts.map((r) => [r.index, toHex(r.tx)])).toEqual(
    expectedIncluded.map(({ i }, index) => [index, hashes[i]]),
  );
  expect(mixed.receipts.map((r) => r.status)).toEqual(
    expectedIncluded.map(({ e }) => (e === null ? 'ok' : e.code)),
  );
  const cleanByTx = new Map(clean.receipts.map((r) => [toHex(r.tx), r]));
  for (const r of mixed.receipts) {
    if (r.status === 'ok') {
      // A valid tx behaves exactly as in the clean block.
      const twin = cleanByTx.get(toHex(r.tx));
      expect(twin).toBeDefined();
      expect(toHex(encodeCanonical(r.writes.map(([k, h]) => [k, h])))).toBe(
        toHex(encodeCanonical((twin?.writes ?? []).map(([k, h]) => [k, h]))),
      );
      expect(toHex(encodeCanonical(r.events.map((e) => ({ ...e }))))).toBe(
        toHex(encodeCanonical((twin?.events ?? []).map((e) => ({ ...e })))),
      );
    } else {
      expect(r.writes).toEqual([]);
      expect(r.events).toEqual([]);
      expect(typeof r.message).toBe('string');
    }
  }

  // Nothing of the rejected transactions reached the block.
  expect(writesHex(mixed.writes)).toEqual(writesHex(clean.writes));
  expect(toHex(mixed.header.stateRoot)).toBe(toHex(clean.header.stateRoot));
  // Sanity: the block did change state, so the comparison is not vacuous.
  expect(toHex(clean.header.stateRoot)).not.toBe(toHex(genesisBlock.header.stateRoot));
  expect(mixed.writes.size).toBeGreaterThan(0);
}

const validArb = fc.uniqueArray(
  fc.record({
    digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    who: fc.nat(2),
    validUntil: fc.integer({ min: 1, max: 1000 }),
  }),
  { selector: (v) => toHex(v.digest), minLength: 1, maxLength: 6 },
);
const invalidArb = fc.array(
  fc.record({
    kind: fc.constantFrom(...KINDS),
    pos: fc.nat(),
    who: fc.nat(2),
    ref: fc.nat(),
  }),
  { minLength: 1, maxLength: 10 },
);

describe('BlockExecutor: a rejected transaction changes nothing', () => {
  it('the genesis state has the expected parameters and permissions', () => {
    expect(params.maxValidityWindow).toBe(1000);
    expect(genesisState.has('governance/perm/evidence.anchor')).toBe(true);
    expect(genesisState.has('governance/perm/faulty.boom')).toBe(true);
  });

  it('one of every kind, in a fixed order, gets the expected outcome', () => {
    const valid: ValidSpec[] = [0, 1, 2].map((who) => ({
      digest: suite.hash(utf8(`fixed-${who}`)),
      who,
      validUntil: who === 0 ? 1 : 1000,
    }));
    const invalid: InvalidSpec[] = KINDS.map((kind, i) => ({ kind, pos: i, who: i, ref: i }));
    const sc = build(valid, invalid);
    expect(sc.expect.filter((e) => e !== null).map((e) => e?.kind)).toHaveLength(KINDS.length);
    checkScenario(sc);
    const mixed = execute(sc.all);
    expect(new Set(mixed.dropped.map((d) => d.error.code))).toEqual(new Set(Object.values(DROP_KINDS)));
    expect(new Set(mixed.receipts.map((r) => r.status))).toEqual(
      new Set(['ok', ...Object.values(FAIL_KINDS)]),
    );
  });

  it('holds for random interleavings of valid and invalid transactions', () => {
    fc.assert(
      fc.property(validArb, invalidArb, (valid, invalid) => {
        checkScenario(build(valid, invalid));
      }),
      { numRuns: 120 },
    );
  });

  it('execution is deterministic: the same batch gives the same block', () => {
    fc.assert(
      fc.property(validArb, invalidArb, (valid, invalid) => {
        const sc = build(valid, invalid);
        const a = execute(sc.all);
        const b = execute(sc.all);
        expect(toHex(a.hash)).toBe(toHex(b.hash));
        expect(a.receiptBytes.map(toHex)).toEqual(b.receiptBytes.map(toHex));
      }),
      { numRuns: 30 },
    );
  });
});
