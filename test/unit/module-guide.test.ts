import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { type CborValue, encodeCanonical, toHex, utf8 } from '../../src/encoding/index.js';
import { errorTable, GongzhiError, isGongzhiError } from '../../src/errors/index.js';
import {
  type AnyMethod,
  type BlockResult,
  type CheckContext,
  defineMethod,
  defineModule,
  type ExecContext,
  ModuleRegistry,
  S,
} from '../../src/execution/index.js';
import { type CborMap, type Genesis, type Receipt, txHash } from '../../src/ledger/index.js';
import { governanceAuthorizer } from '../../src/modules/governance/index.js';
import { BUILTIN_MODULES, defaultPermissionRows } from '../../src/modules/index.js';
import { buildGenesisBlock } from '../../src/node/genesis-block.js';
import { MemoryChain } from '../../src/testing/index.js';
import { benchNoticeboard } from '../fixtures/noticeboard/bench.js';
import { noticeboardDemo } from '../fixtures/noticeboard/demo.js';
import {
  noticeboardKeys as keys,
  NOTICEBOARD_DEFAULTS,
  NOTICEBOARD_ERRORS,
  type NoticeJson,
  noticeboardModule,
  noticeSchema,
} from '../fixtures/noticeboard/index.js';
import { testConsortium } from '../helpers/fixtures.js';

/**
 * Proof of docs/writing-a-module.md: the guide's example module (test/fixtures/noticeboard/) runs
 * next to the built-in modules, registered with the one line below, through the real BlockExecutor
 * with governance's Authorizer over a genesis built by the node's own genesis builder.
 */

// The one registration line: a temporary registry of the built-in modules plus the example.
const MODULES = [...BUILTIN_MODULES, noticeboardModule];

const consortium = testConsortium({ orgs: 2 });
const suite = consortium.suite;
const [orgAdmin, otherOrgAdmin] = consortium.admins as [KeyPair, KeyPair];
const resident = suite.generateKeyPair();
const outsider = suite.generateKeyPair();
const addr = (k: KeyPair): string => suite.address(k.publicKey);
const digestOf = (s: string): Uint8Array => suite.hash(utf8(s));

/** The test consortium's genesis with the modules' default permission rows and a poster role. */
function genesisWith(section?: unknown): Genesis {
  const base = consortium.genesis[0] as Genesis;
  return {
    ...base,
    permissions: defaultPermissionRows(MODULES),
    roles: { [addr(resident)]: ['noticeboard-poster'] },
    ...(section === undefined ? {} : { modules: { noticeboard: section } }),
  };
}

/**
 * A MemoryChain started from `genesis`: block 0 built by buildGenesisBlock (every module's
 * initGenesis, so the governance permission table and the noticeboard section are in state), then
 * blocks through the real executor with the governance Authorizer.
 */
class Board {
  readonly chain: MemoryChain;

  constructor(genesis: Genesis = genesisWith()) {
    this.chain = new MemoryChain({
      suite,
      modules: MODULES,
      authorizer: governanceAuthorizer,
      timestamp: genesis.timestamp,
      chain: genesis.chain,
    });
    const block0 = buildGenesisBlock(suite, new ModuleRegistry(MODULES), genesis);
    for (const [k, v] of block0.writes) if (v !== null) this.chain.state.set(k, v);
  }

  /** One block holding one call; its receipt. */
  call(key: KeyPair, method: string, args: CborMap): Receipt {
    return this.block([[key, method, args]]).receipts[0] as Receipt;
  }

  block(calls: readonly (readonly [KeyPair, string, CborMap])[], sign = true): BlockResult {
    return this.chain.run(calls.map(([k, m, a]) => this.chain.tx(k, 'noticeboard', m, a, { sign })));
  }

  query(name: string, args: Record<string, unknown> = {}): unknown {
    return this.chain.query('noticeboard', name, args);
  }

  notice(id: number): NoticeJson {
    return this.query('get', { id: String(id) }) as NoticeJson;
  }

  snapshot(): Map<string, string> {
    return new Map([...this.chain.state].map(([k, v]) => [k, toHex(v)]));
  }
}

const postArgs = (text: string, category = 'general'): CborMap => ({ digest: digestOf(text), category });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGongzhiError(e) ? e.code : 'not-gongzhi';
  }
  return undefined;
}

describe('registration (one line, next to the built-in modules)', () => {
  const registry = new ModuleRegistry(MODULES);

  it('adds the default permission rows to registry.permissionRows() and to genesis', () => {
    const rows = registry.permissionRows();
    expect(rows['noticeboard.post']).toEqual(['org', 'noticeboard-poster']);
    expect(rows['noticeboard.acknowledge']).toEqual(['*']);
    expect(rows['noticeboard.withdraw']).toEqual(['org', 'noticeboard-poster']);
    expect(rows['evidence.anchor']).toEqual(['org', 'notary']);
    expect(defaultPermissionRows(MODULES)).toMatchObject({
      'noticeboard.post': ['org', 'noticeboard-poster'],
    });
    // Genesis writes the rows into governance's permission table, which the Authorizer reads.
    const perms = new Board().chain.query('governance', 'permissions') as Record<string, string[]>;
    expect(perms['noticeboard.post']).toEqual(['noticeboard-poster', 'org']);
    expect(perms['noticeboard.acknowledge']).toEqual(['*']);
  });

  it('merges its codes, with status and hint, into the one error table', () => {
    const rows = errorTable().filter((r) => r.owner === 'noticeboard');
    expect(rows.map((r) => r.code)).toEqual(Object.keys(NOTICEBOARD_ERRORS).sort());
    for (const r of rows) {
      expect(r.code.startsWith('NOTICEBOARD_')).toBe(true);
      expect(r.hint.length).toBeGreaterThan(10);
      expect(r.status).toBe(NOTICEBOARD_ERRORS[r.code as keyof typeof NOTICEBOARD_ERRORS].status);
    }
    expect(new GongzhiError('NOTICEBOARD_LIMIT', 'x').toJSON().hint).toBe(
      NOTICEBOARD_ERRORS.NOTICEBOARD_LIMIT.hint,
    );
  });

  it('describes its methods (roles, argument schemas) and queries for OpenAPI and the console', () => {
    const info = registry.describe().find((m) => m.name === 'noticeboard');
    expect(info?.methods.map((m) => [m.name, m.roles])).toEqual([
      ['post', ['org', 'noticeboard-poster']],
      ['acknowledge', ['*']],
      ['withdraw', ['org', 'noticeboard-poster']],
    ]);
    expect(info?.queries.map((q) => q.name)).toEqual(['get', 'account', 'config']);
    for (const m of info?.methods ?? []) expect(m.summary.length).toBeGreaterThan(0);
    const post = info?.methods.find((m) => m.name === 'post');
    expect(Value.Check(post?.args ?? S.Never(), { digest: toHex(digestOf('a')), category: 'works' })).toBe(
      true,
    );
    expect(Value.Check(post?.args ?? S.Never(), { digest: 'zz', category: 'works' })).toBe(false);
    expect(
      Value.Check(post?.args ?? S.Never(), { digest: toHex(digestOf('a')), category: 'x', more: 1 }),
    ).toBe(false);
  });

  it('refuses a malformed manifest at load time and a module registered twice', () => {
    const method = defineMethod<CborMap>({
      summary: 's',
      args: S.Object({}),
      parse: (a) => a,
      check: () => undefined,
      apply: () => undefined,
    });
    const base = { name: 'sample', summary: 's', methods: { m: method }, queries: {}, errors: {} };
    expect(codeOf(() => defineModule({ ...base, permissions: {} }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => defineModule({ ...base, permissions: { m: [] } }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => defineModule({ ...base, permissions: { m: ['*'], other: ['*'] } }))).toBe(
      'CONFIG_INVALID',
    );
    expect(
      codeOf(() =>
        defineModule({
          ...base,
          permissions: { m: ['*'] },
          errors: { OTHER_CODE: { status: 400, hint: 'h' } },
        }),
      ),
    ).toBe('CONFIG_INVALID');
    expect(codeOf(() => new ModuleRegistry([...MODULES, noticeboardModule]))).toBe('CONFIG_INVALID');
  });
});

describe('genesis section genesis.modules.noticeboard', () => {
  it('takes the defaults when absent, and then writes nothing at block 0', () => {
    const g = genesisWith();
    expect(noticeboardModule.genesisConfig(g)).toEqual(NOTICEBOARD_DEFAULTS);
    // Adding the module to an existing chain leaves block 0 (its hash and state root) unchanged.
    const withIt = buildGenesisBlock(suite, new ModuleRegistry(MODULES), g);
    const without = buildGenesisBlock(suite, new ModuleRegistry(BUILTIN_MODULES), g);
    expect(toHex(withIt.hash)).toBe(toHex(without.hash));
    expect([...withIt.writes.keys()].some((k) => k.startsWith('noticeboard/'))).toBe(false);
    const b = new Board(g);
    expect(b.query('config')).toEqual({ ...NOTICEBOARD_DEFAULTS, notices: 0 });
    for (let i = 0; i < NOTICEBOARD_DEFAULTS.maxOpenPerAccount; i++) {
      expect(b.call(orgAdmin, 'post', postArgs(`n${i}`)).status).toBe('ok');
    }
    expect(b.call(orgAdmin, 'post', postArgs('one too many')).status).toBe('NOTICEBOARD_LIMIT');
  });

  it('stores a present section at block 0; a missing field takes its default', () => {
    const b = new Board(genesisWith({ maxOpenPerAccount: 1, categories: ['works', 'event'] }));
    expect(b.query('config')).toEqual({ maxOpenPerAccount: 1, categories: ['works', 'event'], notices: 0 });
    expect(b.call(orgAdmin, 'post', postArgs('a', 'general')).status).toBe('NOTICEBOARD_UNKNOWN_CATEGORY');
    expect(b.call(orgAdmin, 'post', postArgs('a', 'works')).status).toBe('ok');
    expect(b.call(orgAdmin, 'post', postArgs('b', 'event')).status).toBe('NOTICEBOARD_LIMIT');
    const partial = noticeboardModule.genesisConfig(genesisWith({ maxOpenPerAccount: 7 }));
    expect(partial).toEqual({ maxOpenPerAccount: 7, categories: NOTICEBOARD_DEFAULTS.categories });
  });

  it('refuses a bad section with GENESIS_INVALID naming the field', () => {
    const bad: [unknown, string][] = [
      [5, 'modules.noticeboard'],
      [[], 'modules.noticeboard'],
      [{ maxOpen: 2 }, 'maxOpen'],
      [{ maxOpenPerAccount: 0 }, 'maxOpenPerAccount'],
      [{ maxOpenPerAccount: 1.5 }, 'maxOpenPerAccount'],
      [{ maxOpenPerAccount: '2' }, 'maxOpenPerAccount'],
      [{ maxOpenPerAccount: 1001 }, 'maxOpenPerAccount'],
      [{ categories: [] }, 'categories'],
      [{ categories: ['Works'] }, 'categories'],
      [{ categories: ['works', 'works'] }, 'categories'],
      [{ categories: 'works' }, 'categories'],
    ];
    for (const [section, field] of bad) {
      let err: unknown;
      try {
        buildGenesisBlock(suite, new ModuleRegistry(MODULES), genesisWith(section));
      } catch (e) {
        err = e;
      }
      expect(isGongzhiError(err, 'GENESIS_INVALID'), JSON.stringify(section)).toBe(true);
      expect((err as GongzhiError).details.field, JSON.stringify(section)).toBe(field);
    }
    // A section for a module the registry does not run is refused too.
    const stray: Genesis = { ...genesisWith(), modules: { nosuch: {} } };
    expect(codeOf(() => new ModuleRegistry(MODULES).assertGenesisSections(stray))).toBe('GENESIS_INVALID');
    expect(codeOf(() => new ModuleRegistry(BUILTIN_MODULES).assertGenesisSections(genesisWith({})))).toBe(
      'GENESIS_INVALID',
    );
  });
});

describe('methods through the real executor', () => {
  it('post: stores the notice, counts it, emits posted', () => {
    const b = new Board();
    const d = digestOf('Water off on Tuesday');
    const res = b.block([[orgAdmin, 'post', { digest: d, category: 'works' }]]);
    const r = res.receipts[0] as Receipt;
    expect(r.status).toBe('ok');
    expect(r.events).toEqual([
      {
        module: 'noticeboard',
        name: 'posted',
        data: { id: 1, author: addr(orgAdmin), category: 'works', digest: d },
      },
    ]);
    // Receipts list the writes sorted by key.
    expect(r.writes.map(([k]) => k)).toEqual([keys.count(), keys.notice(1), keys.open(addr(orgAdmin))]);
    const tx = toHex(res.included[0]?.hash ?? new Uint8Array());
    expect(b.notice(1)).toEqual({
      id: 1,
      author: addr(orgAdmin),
      digest: toHex(d),
      category: 'works',
      postedAt: { height: 1, timestamp: res.header.timestamp, tx },
      acks: 0,
    });
    expect(Value.Check(noticeSchema, b.notice(1))).toBe(true);
    expect(b.query('account', { account: addr(orgAdmin) })).toEqual({
      account: addr(orgAdmin),
      open: 1,
      max: 3,
    });
    expect(b.call(resident, 'post', postArgs('Courtyard fair', 'event')).status).toBe('ok');
    expect(b.notice(2).author).toBe(addr(resident));
  });

  it('acknowledge: once per account, by anyone; emits acknowledged', () => {
    const b = new Board();
    b.call(orgAdmin, 'post', postArgs('n'));
    const r = b.call(outsider, 'acknowledge', { id: 1 });
    expect(r.status).toBe('ok');
    expect(r.events).toEqual([
      { module: 'noticeboard', name: 'acknowledged', data: { id: 1, account: addr(outsider), acks: 1 } },
    ]);
    expect(r.writes.map(([k]) => k)).toEqual([keys.ack(1, addr(outsider)), keys.notice(1)]);
    expect(b.call(orgAdmin, 'acknowledge', { id: 1 }).status).toBe('ok');
    expect(b.notice(1).acks).toBe(2);
  });

  it('withdraw: marks the notice, frees a slot, emits withdrawn', () => {
    const b = new Board(genesisWith({ maxOpenPerAccount: 1 }));
    b.call(resident, 'post', postArgs('Lost cat', 'general'));
    const res = b.block([[resident, 'withdraw', { id: 1 }]]);
    const r = res.receipts[0] as Receipt;
    expect(r.status).toBe('ok');
    expect(r.events).toEqual([
      { module: 'noticeboard', name: 'withdrawn', data: { id: 1, author: addr(resident) } },
    ]);
    expect(b.notice(1).withdrawnAt).toEqual({
      height: 2,
      tx: toHex(txHash(suite, res.included[0]!.tx.body)),
    });
    expect(b.query('account', { account: addr(resident) })).toMatchObject({ open: 0, max: 1 });
    expect(b.call(resident, 'post', postArgs('Found cat')).status).toBe('ok');
  });

  it('refuses every error code with no events, no writes and no state change', () => {
    // Each case: the state it needs (successful calls), then the call that must fail with `code`.
    type Call = readonly [KeyPair, string, CborMap];
    const cases: { code: string; setup: Call[]; call: Call; genesis?: unknown }[] = [
      { code: 'NOTICEBOARD_NOT_FOUND', setup: [], call: [outsider, 'acknowledge', { id: 9 }] },
      { code: 'NOTICEBOARD_UNKNOWN_CATEGORY', setup: [], call: [orgAdmin, 'post', postArgs('x', 'sports')] },
      {
        code: 'NOTICEBOARD_LIMIT',
        genesis: { maxOpenPerAccount: 1 },
        setup: [[orgAdmin, 'post', postArgs('a')]],
        call: [orgAdmin, 'post', postArgs('b')],
      },
      {
        code: 'NOTICEBOARD_NOT_AUTHOR',
        setup: [[orgAdmin, 'post', postArgs('a')]],
        call: [otherOrgAdmin, 'withdraw', { id: 1 }],
      },
      {
        code: 'NOTICEBOARD_WITHDRAWN',
        setup: [
          [orgAdmin, 'post', postArgs('a')],
          [orgAdmin, 'withdraw', { id: 1 }],
        ],
        call: [outsider, 'acknowledge', { id: 1 }],
      },
      {
        code: 'NOTICEBOARD_ALREADY_ACKED',
        setup: [
          [orgAdmin, 'post', postArgs('a')],
          [outsider, 'acknowledge', { id: 1 }],
        ],
        call: [outsider, 'acknowledge', { id: 1 }],
      },
      // The kit's codes: argument shape (parse) and permission (Authorizer, before parse).
      {
        code: 'EXEC_BAD_ARGS',
        setup: [],
        call: [orgAdmin, 'post', { digest: digestOf('a'), category: 'Works' }],
      },
      { code: 'EXEC_BAD_ARGS', setup: [], call: [orgAdmin, 'acknowledge', { id: 0 }] },
      { code: 'EXEC_BAD_ARGS', setup: [], call: [orgAdmin, 'post', { ...postArgs('a'), extra: 1 }] },
      { code: 'EXEC_PERMISSION_DENIED', setup: [], call: [outsider, 'post', postArgs('a')] },
    ];
    for (const c of cases) {
      const b = new Board(genesisWith(c.genesis));
      for (const s of c.setup) expect(b.call(...s).status, `${c.code} setup`).toBe('ok');
      const before = b.snapshot();
      const r = b.call(...c.call);
      expect(r.status, c.code).toBe(c.code);
      expect(r.events, c.code).toEqual([]);
      expect(r.writes, c.code).toEqual([]);
      expect(b.snapshot(), c.code).toEqual(before);
    }
    // Every code the module declares is exercised above.
    const covered = new Set(cases.map((c) => c.code));
    for (const code of Object.keys(NOTICEBOARD_ERRORS)) expect(covered.has(code), code).toBe(true);
  });

  it('a failing call in a block leaves the block to the others; the same block gives the same header', () => {
    const g = genesisWith();
    const a = new Board(g);
    const b = new Board(g);
    const txs = [
      a.chain.tx(orgAdmin, 'noticeboard', 'post', postArgs('one')),
      a.chain.tx(outsider, 'noticeboard', 'withdraw', { id: 1 }),
      a.chain.tx(outsider, 'noticeboard', 'acknowledge', { id: 1 }),
    ].map((c) => c.tx);
    const ra = a.chain.runSigned(txs);
    const rb = b.chain.runSigned(txs);
    expect(ra.receipts.map((r) => r.status)).toEqual(['ok', 'EXEC_PERMISSION_DENIED', 'ok']);
    expect(toHex(ra.hash)).toBe(toHex(rb.hash));
    expect(a.notice(1).acks).toBe(1);
  });
});

describe('strict records: a stored record that does not decode is CHAIN_INVALID', () => {
  const damaged: [string, (b: Board) => [string, CborValue], () => [KeyPair, string, CborMap]][] = [
    [
      'a notice with an unknown field',
      () => [keys.notice(1), { id: 1, junk: true }],
      () => [outsider, 'acknowledge', { id: 1 }],
    ],
    [
      'a notice with a negative ack count',
      (b) => {
        const n = b.chain.reader().get(keys.notice(1)) as CborMap;
        return [keys.notice(1), { ...n, acks: -1 }];
      },
      () => [outsider, 'acknowledge', { id: 1 }],
    ],
    ['a counter that is a string', () => [keys.count(), 'seven'], () => [orgAdmin, 'post', postArgs('b')]],
    [
      'an ack flag that is not true',
      () => [keys.ack(1, addr(outsider)), 1],
      () => [outsider, 'acknowledge', { id: 1 }],
    ],
    [
      'a stored config with a missing field',
      () => [keys.config(), { maxOpenPerAccount: 3 }],
      () => [orgAdmin, 'post', postArgs('b')],
    ],
  ];
  for (const [what, damage, call] of damaged) {
    it(what, () => {
      const b = new Board();
      expect(b.call(orgAdmin, 'post', postArgs('a')).status).toBe('ok');
      const [key, value] = damage(b);
      b.chain.state.set(key, encodeCanonical(value));
      const before = b.snapshot();
      const r = b.call(...call());
      expect(r.status).toBe('CHAIN_INVALID');
      expect(r.message).toContain(`state key ${key}`);
      expect(r.writes).toEqual([]);
      expect(b.snapshot()).toEqual(before);
    });
  }

  it('queries refuse a damaged record the same way', () => {
    const b = new Board();
    b.call(orgAdmin, 'post', postArgs('a'));
    b.chain.state.set(keys.notice(1), encodeCanonical({ id: 1 }));
    expect(codeOf(() => b.notice(1))).toBe('CHAIN_INVALID');
  });
});

describe('queries', () => {
  it('read parameters with QueryArgs: EXEC_BAD_ARGS naming the parameter; module codes otherwise', () => {
    const b = new Board();
    let err: unknown;
    try {
      b.query('get', { id: 'abc' });
    } catch (e) {
      err = e;
    }
    expect(isGongzhiError(err, 'EXEC_BAD_ARGS')).toBe(true);
    expect((err as GongzhiError).details.name).toBe('id');
    expect(codeOf(() => b.query('get', { id: '0' }))).toBe('EXEC_BAD_ARGS');
    expect(codeOf(() => b.query('get', { id: '1' }))).toBe('NOTICEBOARD_NOT_FOUND');
    expect(codeOf(() => b.query('account', {}))).toBe('EXEC_BAD_ARGS');
    expect(codeOf(() => b.query('nosuch', {}))).toBe('API_NOT_FOUND');
  });
});

describe('check reads only', () => {
  it('cannot write by type', () => {
    // Never registered: it exists so that tsc proves the point. CheckContext.state is a
    // StateReader, which has no set/delete, so a check that tried to write would not type-check.
    defineMethod<CborMap>({
      summary: 'would write in check',
      args: S.Object({}),
      parse: (a) => a,
      check: (ctx) => {
        // @ts-expect-error StateReader has no set: check cannot write.
        ctx.state.set('noticeboard/x', 1);
      },
      apply: (ctx) => ctx.state.set('noticeboard/x', 1),
    });
  });

  it('gets a reader without set or delete at run time; apply gets the overlay', () => {
    const post = noticeboardModule.methods.post as AnyMethod;
    const check = vi.spyOn(post, 'check');
    const apply = vi.spyOn(post, 'apply');
    try {
      const b = new Board();
      expect(b.call(orgAdmin, 'post', postArgs('a')).status).toBe('ok');
      const checkCtx = check.mock.calls[0]?.[0] as CheckContext;
      const execCtx = apply.mock.calls[0]?.[0] as ExecContext;
      expect(typeof checkCtx.state.get).toBe('function');
      expect('set' in checkCtx.state).toBe(false);
      expect('delete' in checkCtx.state).toBe(false);
      expect(typeof execCtx.state.set).toBe('function');
      // What check returned is what apply received.
      expect(apply.mock.calls[0]?.[2]).toEqual(check.mock.results[0]?.value);
      expect(apply.mock.calls[0]?.[2]).toEqual({ id: 1, open: 0 });
    } finally {
      check.mockRestore();
      apply.mockRestore();
    }
  });
});

describe('property: any sequence of posts, acknowledgements and withdrawals', () => {
  type Op =
    | { readonly kind: 'post'; readonly who: number; readonly category: string }
    | { readonly kind: 'acknowledge' | 'withdraw'; readonly who: number; readonly pick: number };
  const people = [orgAdmin, otherOrgAdmin, resident, outsider] as const;
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('post' as const),
      who: fc.nat(people.length - 1),
      category: fc.constantFrom('works', 'event', 'sports'),
    }),
    fc.record({
      kind: fc.constantFrom('acknowledge' as const, 'withdraw' as const),
      who: fc.nat(people.length - 1),
      pick: fc.nat(20),
    }),
  );

  it('matches a model, and the counters stay consistent with the records', () => {
    const max = 2;
    const genesis = genesisWith({ maxOpenPerAccount: max, categories: ['works', 'event'] });
    fc.assert(
      fc.property(fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { maxLength: 8 }), (blocks) => {
        const b = new Board(genesis);
        // The model: notices (author, withdrawn, who acknowledged) and open counts.
        const notices: { author: number; withdrawn: boolean; acks: Set<number> }[] = [];
        const open = people.map(() => 0);
        for (const ops of blocks) {
          const calls: [KeyPair, string, CborMap][] = [];
          const expected: string[] = [];
          for (const o of ops) {
            const who = people[o.who] as KeyPair;
            if (o.kind === 'post') {
              calls.push([who, 'post', postArgs(`n${notices.length}`, o.category)]);
              const code =
                who === outsider
                  ? 'EXEC_PERMISSION_DENIED'
                  : o.category === 'sports'
                    ? 'NOTICEBOARD_UNKNOWN_CATEGORY'
                    : (open[o.who] ?? 0) >= max
                      ? 'NOTICEBOARD_LIMIT'
                      : 'ok';
              if (code === 'ok') {
                notices.push({ author: o.who, withdrawn: false, acks: new Set() });
                open[o.who] = (open[o.who] ?? 0) + 1;
              }
              expected.push(code);
              continue;
            }
            // Ids 1..count, and count + 1 (not posted yet).
            const id = 1 + (o.pick % (notices.length + 1));
            calls.push([who, o.kind, { id }]);
            const n = notices[id - 1];
            let code = 'ok';
            if (o.kind === 'withdraw' && who === outsider) code = 'EXEC_PERMISSION_DENIED';
            else if (n === undefined) code = 'NOTICEBOARD_NOT_FOUND';
            else if (n.withdrawn) code = 'NOTICEBOARD_WITHDRAWN';
            else if (o.kind === 'acknowledge' && n.acks.has(o.who)) code = 'NOTICEBOARD_ALREADY_ACKED';
            else if (o.kind === 'withdraw' && n.author !== o.who) code = 'NOTICEBOARD_NOT_AUTHOR';
            if (code === 'ok' && n !== undefined) {
              if (o.kind === 'acknowledge') n.acks.add(o.who);
              else {
                n.withdrawn = true;
                open[o.who] = (open[o.who] ?? 0) - 1;
              }
            }
            expected.push(code);
          }
          // Pre-verified transactions: signatures are not what this property is about.
          expect(b.block(calls, false).receipts.map((r) => r.status)).toEqual(expected);
        }
        // The invariant: the counters agree with the records.
        const stored = Array.from({ length: notices.length }, (_, i) => b.notice(i + 1));
        expect(b.query('config')).toMatchObject({ notices: notices.length });
        expect(codeOf(() => b.notice(notices.length + 1))).toBe('NOTICEBOARD_NOT_FOUND');
        people.forEach((p, i) => {
          const o = (b.query('account', { account: addr(p) }) as { open: number }).open;
          expect(o).toBe(stored.filter((n) => n.author === addr(p) && n.withdrawnAt === undefined).length);
          expect(o).toBe(open[i]);
          expect(o).toBeLessThanOrEqual(max);
        });
        stored.forEach((n, i) => {
          const ackKeys = [...b.chain.state.keys()].filter((k) => k.startsWith(`noticeboard/ack/${n.id}/`));
          expect(n.acks).toBe(ackKeys.length);
          expect(n.acks).toBe(notices[i]?.acks.size);
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('demo and bench entries of the example', () => {
  it('runs the noticeboard demo on its own in-process node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongzhi-demo-noticeboard-'));
    const steps: string[] = [];
    try {
      const r = await noticeboardDemo(MODULES).run({ dataDir: dir, log: (s) => steps.push(s) });
      expect(steps.length).toBe(6);
      expect(r.statuses).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      expect(r.refusals).toEqual(['NOTICEBOARD_LIMIT', 'EXEC_PERMISSION_DENIED']);
      expect((r.works as NoticeJson).acks).toBe(2);
      expect((r.withdrawn as NoticeJson).withdrawnAt).toBeDefined();
      expect(r.wang).toMatchObject({ open: 2, max: 2 });
      expect(r.config).toEqual({
        maxOpenPerAccount: 2,
        categories: ['works', 'event', 'lost-found'],
        notices: 4,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('measures posts, acknowledgements and withdrawals (small run)', () => {
    const r = benchNoticeboard({ accounts: 200, blockTxs: 50 });
    expect(r.accounts).toBe(200);
    for (const k of ['postsPerSec', 'acksPerSec', 'withdrawsPerSec']) expect(r[k], k).toBeGreaterThan(0);
  });
});
