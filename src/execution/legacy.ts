// TEMPORARY (issue 8 migration): runs a module written against the old interface on the kit.
// Deleted once every module is on defineModule.
import type { CryptoSuite } from '../crypto/index.js';
import type { ErrorTable } from '../errors/index.js';
import type { CborMap, Genesis } from '../ledger/index.js';
import type { StateOverlay } from '../state/index.js';
import { defineModule, S } from './define-module.js';
import type { AnyMethod, ExecContext, LedgerModule, QueryContext, QueryDef } from './module.js';

export interface LegacyMethodDef<A> {
  parse(args: CborMap): A;
  check(ctx: ExecContext, args: A): void;
  apply(ctx: ExecContext, args: A): void;
}
export type LegacyQueryDef = (ctx: QueryContext, args: Readonly<Record<string, unknown>>) => unknown;

export function legacyMethod<A>(def: LegacyMethodDef<A>): AnyMethod {
  return {
    summary: '',
    args: S.Unknown(),
    parse: (a: CborMap) => def.parse(a),
    check: () => undefined,
    apply: (ctx: ExecContext, a: A) => {
      def.check(ctx, a);
      def.apply(ctx, a);
    },
  };
}

export function legacyModule(m: {
  name: string;
  methods: Readonly<Record<string, AnyMethod>>;
  queries: Readonly<Record<string, LegacyQueryDef>>;
  permissions?: Readonly<Record<string, readonly string[]>>;
  errors: ErrorTable;
  initGenesis?(genesis: Genesis, state: StateOverlay, suite: CryptoSuite): void;
}): LedgerModule {
  const queries: Record<string, QueryDef> = {};
  for (const [n, q] of Object.entries(m.queries)) {
    queries[n] = { summary: '', args: S.Object({}), result: S.Unknown(), run: (ctx, a) => q(ctx, a.raw()) };
  }
  const init = m.initGenesis;
  return defineModule({
    name: m.name,
    summary: '',
    methods: m.methods,
    queries,
    permissions: m.permissions ?? Object.fromEntries(Object.keys(m.methods).map((k) => [k, ['*']])),
    errors: m.errors,
    ...(init === undefined ? {} : { initGenesis: (c) => init(c.genesis, c.state, c.suite) }),
  });
}
