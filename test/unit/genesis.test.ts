import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';
import { ModuleRegistry } from '../../src/execution/index.js';
import {
  assertValidGenesis,
  type ChainParams,
  type Genesis,
  genesisHash,
  merkleRoot,
  PARAM_NAMES,
  ZERO_HASH,
} from '../../src/ledger/index.js';
import { buildGenesisBlock } from '../../src/node/genesis-block.js';
import { DEFAULT_MODULES } from '../../src/node/gongzhi-node.js';
import { nextStateRoot, writeEntries } from '../../src/state/index.js';
import { testConsortium } from '../helpers/fixtures.js';

const c = testConsortium({ orgs: 3 });
const suite = c.suite;
const base = c.genesis[0] as Genesis;
const registry = new ModuleRegistry(DEFAULT_MODULES);

function clone(g: Genesis): Genesis {
  return JSON.parse(JSON.stringify(g)) as Genesis;
}

/** A mutable deep copy for building variants. */
type Mutable = {
  chain: string;
  group: string;
  suite: Genesis['suite'];
  timestamp: number;
  params: Record<keyof ChainParams, number>;
  orgs: { id: string; name: string; admins: string[]; nodes: { id: string; publicKey: string }[] }[];
  committee: { members: { account: string; weight: number }[]; threshold: number };
  roles: Record<string, string[]>;
  permissions: Record<string, string[]>;
};
function variant(change: (g: Mutable) => void): Genesis {
  const g = clone(base) as unknown as Mutable;
  change(g);
  return g as unknown as Genesis;
}

function genesisError(g: Genesis): GongzhiError | undefined {
  try {
    assertValidGenesis(g, suite);
  } catch (e) {
    if (e instanceof GongzhiError) return e;
    throw e;
  }
  return undefined;
}

function expectInvalid(g: Genesis, field: string, label = field): void {
  const e = genesisError(g);
  expect(e, `${label}: accepted`).toBeDefined();
  expect(e?.code, label).toBe('GENESIS_INVALID');
  expect(e?.details.field, label).toBe(field);
}

const hashOf = (g: Genesis): string => toHex(buildGenesisBlock(suite, registry, g).hash);

describe('assertValidGenesis', () => {
  it('accepts the test consortium genesis and boundary values', () => {
    expect(genesisError(base)).toBeUndefined();
    for (const ok of [
      variant((g) => {
        g.committee.threshold = 1;
      }),
      variant((g) => {
        g.committee.threshold = 100;
      }),
      variant((g) => {
        g.chain = `0${'a'.repeat(63)}`;
        g.group = 'a-b-9';
      }),
      variant((g) => {
        g.timestamp = 0;
        for (const n of PARAM_NAMES) g.params[n] = 1;
      }),
    ]) {
      expect(genesisError(ok)).toBeUndefined();
    }
  });

  it('rejects bad chain and group ids', () => {
    for (const id of ['', 'Chain', '-chain', 'a_b', 'a b', 'a.b', 'é', 'a'.repeat(65)]) {
      expectInvalid(
        variant((g) => {
          g.chain = id;
        }),
        'chain',
        `chain "${id}"`,
      );
      expectInvalid(
        variant((g) => {
          g.group = id;
        }),
        'group',
        `group "${id}"`,
      );
    }
  });

  it('rejects a group id that names one of the node’s own data files', () => {
    for (const id of ['trace-events', 'openid-pending']) {
      expectInvalid(
        variant((g) => {
          g.group = id;
        }),
        'group',
        `group "${id}"`,
      );
    }
  });

  it('rejects a suite that is not the one given', () => {
    expectInvalid(
      variant((g) => {
        g.suite = 'sm2';
      }),
      'suite',
    );
  });

  it('rejects a negative or fractional timestamp', () => {
    for (const t of [-1, 1.5, Number.NaN]) {
      expectInvalid(
        variant((g) => {
          g.timestamp = t;
        }),
        'timestamp',
        `timestamp ${t}`,
      );
    }
  });

  it('rejects every parameter set to 0, a negative number, a float or NaN', () => {
    for (const name of PARAM_NAMES) {
      for (const bad of [0, -1, 1.5, 200.25, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
        expectInvalid(
          variant((g) => {
            g.params[name] = bad;
          }),
          name,
          `${name}=${bad}`,
        );
      }
    }
  });

  it('rejects a missing parameter', () => {
    expectInvalid(
      variant((g) => {
        delete (g.params as Partial<Record<keyof ChainParams, number>>).maxTxBytes;
      }),
      'maxTxBytes',
    );
  });

  it('rejects duplicate or malformed org ids and an empty org list', () => {
    expectInvalid(
      variant((g) => {
        (g.orgs[1] as Mutable['orgs'][number]).id = 'org0';
      }),
      'orgs',
      'duplicate org',
    );
    expectInvalid(
      variant((g) => {
        (g.orgs[0] as Mutable['orgs'][number]).id = 'Org0';
      }),
      'orgs',
      'uppercase org',
    );
    expectInvalid(
      variant((g) => {
        g.orgs = [];
      }),
      'orgs',
      'no orgs',
    );
  });

  it('rejects duplicate node ids, across orgs and within one org', () => {
    expectInvalid(
      variant((g) => {
        const n = (g.orgs[2] as Mutable['orgs'][number]).nodes[0] as { id: string };
        n.id = 'org0-node';
      }),
      'nodes',
      'across orgs',
    );
    expectInvalid(
      variant((g) => {
        const o = g.orgs[0] as Mutable['orgs'][number];
        o.nodes.push({ id: 'org0-node', publicKey: (o.nodes[0] as { publicKey: string }).publicKey });
      }),
      'nodes',
      'within one org',
    );
    expectInvalid(
      variant((g) => {
        ((g.orgs[0] as Mutable['orgs'][number]).nodes[0] as { id: string }).id = 'Node_0';
      }),
      'nodes',
      'malformed node id',
    );
  });

  it('rejects an empty committee and non-positive weights', () => {
    expectInvalid(
      variant((g) => {
        g.committee.members = [];
      }),
      'committee',
      'empty',
    );
    for (const w of [0, -1, 0.5]) {
      expectInvalid(
        variant((g) => {
          (g.committee.members[0] as { weight: number }).weight = w;
        }),
        'committee',
        `weight ${w}`,
      );
    }
  });

  it('rejects a threshold outside 1..100 or not an integer', () => {
    for (const t of [0, 101, -1, 50.5, Number.NaN]) {
      expectInvalid(
        variant((g) => {
          g.committee.threshold = t;
        }),
        'threshold',
        `threshold ${t}`,
      );
    }
  });

  it('rejects an org admin or node key that is not hex with GENESIS_INVALID', () => {
    // Documented contract: "keys decodable … Throws GENESIS_INVALID".
    for (const [label, g] of [
      [
        'admin',
        variant((x) => {
          (x.orgs[0] as Mutable['orgs'][number]).admins = ['not-hex'];
        }),
      ],
      [
        'node',
        variant((x) => {
          ((x.orgs[0] as Mutable['orgs'][number]).nodes[0] as { publicKey: string }).publicKey = 'XYZ';
        }),
      ],
    ] as const) {
      let err: unknown;
      try {
        assertValidGenesis(g, suite);
      } catch (e) {
        err = e;
      }
      expect(err, label).toBeInstanceOf(GongzhiError);
      expect((err as GongzhiError).code, label).toBe('GENESIS_INVALID');
    }
  });
});

describe('assertValidGenesis: keys and committee members', () => {
  it('rejects keys of the wrong length or not on the curve for the suite', () => {
    expectInvalid(
      variant((x) => {
        (x.orgs[0] as Mutable['orgs'][number]).admins = ['abcd'];
      }),
      'admins',
    );
    expectInvalid(
      variant((x) => {
        ((x.orgs[1] as Mutable['orgs'][number]).nodes[0] as { publicKey: string }).publicKey = '00'.repeat(
          31,
        );
      }),
      'nodes',
    );
  });

  it('rejects a committee member listed twice', () => {
    expectInvalid(
      variant((x) => {
        x.committee.members.push({ ...(x.committee.members[0] as { account: string; weight: number }) });
      }),
      'committee',
    );
  });
});

describe('buildGenesisBlock', () => {
  it('block 0 commits to the genesis document and to the initial state', () => {
    const b = buildGenesisBlock(suite, registry, base);
    expect(b.header.height).toBe(0);
    expect(toHex(b.header.parent)).toBe(toHex(ZERO_HASH));
    expect(b.header.timestamp).toBe(base.timestamp);
    expect(b.header.txCount).toBe(0);
    expect(b.header.chain).toBe(base.chain);
    expect(b.header.group).toBe(base.group);
    expect(toHex(b.header.txRoot)).toBe(toHex(merkleRoot(suite.hash, [])));
    expect(toHex(b.genesisHash)).toBe(toHex(genesisHash(suite, base)));
    expect(toHex(b.header.order.genesis as Uint8Array)).toBe(toHex(b.genesisHash));
    expect(toHex(b.header.stateRoot)).toBe(
      toHex(nextStateRoot(suite, ZERO_HASH, writeEntries(suite, b.writes))),
    );
    expect(b.writes.size).toBeGreaterThan(0);
    expect(b.writes.has('governance/params')).toBe(true);
  });

  it('is deterministic: same genesis (even a deep copy or reordered keys) → same hash', () => {
    const h = hashOf(base);
    expect(hashOf(base)).toBe(h);
    expect(hashOf(clone(base))).toBe(h);
    expect(toHex(buildGenesisBlock(suite, new ModuleRegistry(DEFAULT_MODULES), clone(base)).hash)).toBe(h);
    const reordered = Object.fromEntries(Object.entries(clone(base)).reverse()) as unknown as Genesis;
    expect(hashOf(reordered)).toBe(h);
    const a = buildGenesisBlock(suite, registry, base);
    const b = buildGenesisBlock(suite, registry, clone(base));
    expect([...a.writes].map(([k, v]) => [k, v && toHex(v)])).toEqual(
      [...b.writes].map(([k, v]) => [k, v && toHex(v)]),
    );
  });

  it('any change to the genesis changes the block hash', () => {
    const extra = suite.generateKeyPair();
    const admin0 = suite.address((c.admins[0] as KeyPair).publicKey);
    const changes: [string, Genesis][] = [
      [
        'chain',
        variant((g) => {
          g.chain = 'test-chain-2';
        }),
      ],
      [
        'group',
        variant((g) => {
          g.group = 'other';
        }),
      ],
      [
        'timestamp',
        variant((g) => {
          g.timestamp += 1;
        }),
      ],
      ...PARAM_NAMES.map((n): [string, Genesis] => [
        `param ${n}`,
        variant((g) => {
          g.params[n] += 1;
        }),
      ]),
      [
        'org name',
        variant((g) => {
          (g.orgs[0] as Mutable['orgs'][number]).name = 'Org Zero';
        }),
      ],
      [
        'org admins',
        variant((g) => {
          (g.orgs[1] as Mutable['orgs'][number]).admins.push(toHex(extra.publicKey));
        }),
      ],
      [
        'node key',
        variant((g) => {
          ((g.orgs[2] as Mutable['orgs'][number]).nodes[0] as { publicKey: string }).publicKey = toHex(
            extra.publicKey,
          );
        }),
      ],
      [
        'node id',
        variant((g) => {
          ((g.orgs[2] as Mutable['orgs'][number]).nodes[0] as { id: string }).id = 'org2-node-b';
        }),
      ],
      [
        'org order',
        variant((g) => {
          g.orgs.reverse();
        }),
      ],
      [
        'committee weight',
        variant((g) => {
          (g.committee.members[0] as { weight: number }).weight = 2;
        }),
      ],
      [
        'committee member',
        variant((g) => {
          g.committee.members.push({ account: suite.address(extra.publicKey), weight: 1 });
        }),
      ],
      [
        'threshold',
        variant((g) => {
          g.committee.threshold = 66;
        }),
      ],
      [
        'roles',
        variant((g) => {
          g.roles[admin0] = ['notary'];
        }),
      ],
      [
        'permissions',
        variant((g) => {
          g.permissions['evidence.note'] = ['*'];
        }),
      ],
    ];
    const baseHash = hashOf(base);
    const seen = new Map<string, string>([[baseHash, 'base']]);
    for (const [label, g] of changes) {
      expect(genesisError(g), label).toBeUndefined();
      const h = hashOf(g);
      expect(seen.get(h), `${label} collides`).toBeUndefined();
      seen.set(h, label);
      expect(toHex(genesisHash(suite, g)), label).not.toBe(toHex(genesisHash(suite, base)));
    }
    expect(seen.size).toBe(changes.length + 1);
  });
});
