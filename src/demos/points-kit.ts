import { pino } from 'pino';
import { type CryptoSuite, getSuite, type KeyPair } from '../crypto/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { LedgerModule } from '../execution/index.js';
import { type CborMap, DEFAULT_PARAMS, encodeTx, type Genesis, signTx } from '../ledger/index.js';
import { POINTS_PERMISSIONS, pointsModule } from '../modules/points/index.js';
import {
  type CommitInfo,
  DEFAULT_MODULES,
  DEFAULT_PERMISSIONS,
  GongzhiNode,
  type GroupLedger,
} from '../node/index.js';
import type { DemoContext } from './demo.js';

/** The modules a points scenario runs: the defaults plus the points module (once). */
export function scenarioModules(): readonly LedgerModule[] {
  return DEFAULT_MODULES.some((m) => m.name === pointsModule.name)
    ? DEFAULT_MODULES
    : [...DEFAULT_MODULES, pointsModule];
}

/** An organisation of the scenario's consortium (it gets an admin account and a node key). */
export interface ScenarioOrg {
  readonly id: string;
  readonly name: string;
  /** Governance roles of the org's admin account (e.g. `points-issuer`, `points-supervisor`). */
  readonly roles?: readonly string[];
}

/** One call of a batch submitted together. */
export type ScenarioCall = readonly [who: string, method: string, args: CborMap];

/**
 * A scenario's own in-process consortium node: one group whose genesis lists the scenario's
 * organisations (each an admin account on the committee, with its governance roles) and the
 * permission table (defaults + the points module's). People are plain key pairs.
 */
export class Scenario {
  private readonly keys = new Map<string, KeyPair>();
  private nonce = 0;

  private constructor(
    readonly ctx: DemoContext,
    readonly node: GongzhiNode,
    readonly group: GroupLedger,
    readonly suite: CryptoSuite,
    orgKeys: Map<string, KeyPair>,
  ) {
    for (const [k, v] of orgKeys) this.keys.set(k, v);
  }

  static async start(ctx: DemoContext, chain: string, orgs: readonly ScenarioOrg[]): Promise<Scenario> {
    const suite = getSuite('ed25519');
    const admins = new Map(orgs.map((o) => [o.id, suite.generateKeyPair()] as const));
    const nodeKey = suite.generateKeyPair();
    const adminOf = (id: string) => admins.get(id) as KeyPair;
    const genesis: Genesis = {
      chain,
      group: 'main',
      suite: 'ed25519',
      timestamp: Date.now() - 60 * 86_400_000,
      params: { ...DEFAULT_PARAMS, blockIntervalMs: 20 },
      orgs: orgs.map((o, i) => ({
        id: o.id,
        name: o.name,
        admins: [toHex(adminOf(o.id).publicKey)],
        nodes: i === 0 ? [{ id: `${o.id}-node`, publicKey: toHex(nodeKey.publicKey) }] : [],
      })),
      committee: {
        members: orgs.map((o) => ({ account: suite.address(adminOf(o.id).publicKey), weight: 1 })),
        threshold: 67,
      },
      roles: Object.fromEntries(
        orgs
          .filter((o) => (o.roles ?? []).length > 0)
          .map((o) => [suite.address(adminOf(o.id).publicKey), [...(o.roles ?? [])]]),
      ),
      permissions: { ...DEFAULT_PERMISSIONS, ...POINTS_PERMISSIONS },
    };
    const first = orgs[0] as ScenarioOrg;
    const node = await GongzhiNode.start({
      nodeId: `${first.id}-node`,
      org: first.id,
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir: ctx.dataDir,
      logger: pino({ level: 'silent' }),
      modules: scenarioModules(),
    });
    return new Scenario(ctx, node, node.group('main'), suite, admins);
  }

  /** The key of a party (an org admin, or a person created on first use). */
  key(name: string): KeyPair {
    let k = this.keys.get(name);
    if (!k) {
      k = this.suite.generateKeyPair();
      this.keys.set(name, k);
    }
    return k;
  }

  addr(name: string): string {
    return this.suite.address(this.key(name).publicKey);
  }

  /** A 32-byte digest of a text (device ids, evidence, consent forms: only digests go on the ledger). */
  digest(text: string): Uint8Array {
    return this.suite.hash(utf8(text));
  }

  log(step: string): void {
    this.ctx.log(step);
  }

  private sign(who: string, method: string, args: CborMap): Uint8Array {
    const k = this.key(who);
    return encodeTx(
      signTx(this.suite, k.secretKey, {
        chain: this.group.chain,
        group: this.group.group,
        sender: k.publicKey,
        nonce: `s${this.nonce++}-${Date.now()}`,
        validUntil: this.group.latest.height + 500,
        module: 'points',
        method,
        args,
      }),
    );
  }

  /** Submit calls together and wait until all are committed; returns their receipts in order. */
  async submit(calls: readonly ScenarioCall[]): Promise<CommitInfo[]> {
    const results = await this.group.submit(calls.map(([w, m, a]) => this.sign(w, m, a)));
    return Promise.all(
      results.map((r) => {
        if ('error' in r) throw r.error;
        return this.group.waitForCommit(r.hash, 30_000);
      }),
    );
  }

  /** Calls submitted together that must all succeed. */
  async all(calls: readonly ScenarioCall[]): Promise<CommitInfo[]> {
    const done = await this.submit(calls);
    done.forEach((c, i) => {
      if (c.receipt.status !== 'ok') {
        const [who, method] = calls[i] as ScenarioCall;
        throw new GongzhiError('EXEC_INTERNAL', `${who} points.${method} failed: ${c.receipt.status}`, {
          message: c.receipt.message ?? '',
        });
      }
    });
    return done;
  }

  /** One call that must succeed; returns its events. */
  async call(who: string, method: string, args: CborMap): Promise<CommitInfo['receipt']['events']> {
    const [c] = await this.submit([[who, method, args]]);
    if (c?.receipt.status !== 'ok') {
      throw new GongzhiError('EXEC_INTERNAL', `${who} points.${method} failed: ${c?.receipt.status}`, {
        message: c?.receipt.message ?? '',
      });
    }
    return c.receipt.events;
  }

  /** One call that must be refused with `code`; returns the code. */
  async refused(who: string, method: string, args: CborMap, code: string): Promise<string> {
    const [c] = await this.submit([[who, method, args]]);
    if (c?.receipt.status !== code) {
      throw new GongzhiError(
        'EXEC_INTERNAL',
        `${who} points.${method}: expected ${code}, got ${c?.receipt.status}`,
      );
    }
    return code;
  }

  query<T = unknown>(name: string, args: Readonly<Record<string, unknown>> = {}): T {
    return this.group.query('points', name, args) as T;
  }

  balance(program: string, who: string): number {
    return this.query<{ balance: number }>('account', { program, account: this.addr(who) }).balance;
  }

  plain(program: string, account: string): number {
    return this.query<{ balance: number }>('balance', { program, account }).balance;
  }

  /**
   * What a supervisor can check from public queries alone: every posting set sums to zero per
   * unit, the journal replays to the running class totals, and the totals balance.
   */
  audit(program: string): { postingSets: number; lines: number; balanced: boolean; problems: string[] } {
    const problems: string[] = [];
    const byClass = new Map<string, number>();
    let lines = 0;
    let from = 0;
    for (;;) {
      const page = this.query<{
        total: number;
        entries: { n: number; entries: { account: string; amount: number }[] }[];
      }>('journal', { program, from, limit: 1000 });
      for (const set of page.entries) {
        let points = 0;
        let money = 0;
        for (const { account, amount } of set.entries) {
          lines++;
          const cls = account.split(':')[0] as string;
          byClass.set(cls, (byClass.get(cls) ?? 0) + amount);
          if (['funding', 'pool', 'reserve', 'payable', 'paid'].includes(cls)) money += amount;
          else points += amount;
        }
        if (points !== 0 || money !== 0) problems.push(`posting set ${set.n} does not sum to zero`);
      }
      from += page.entries.length;
      if (page.entries.length === 0 || from >= page.total) break;
    }
    const totals = this.query<{
      points: Record<string, number>;
      money: Record<string, number>;
      balanced: boolean;
    }>('totals', { program });
    for (const [cls, t] of Object.entries({ ...totals.points, ...totals.money })) {
      if ((byClass.get(cls) ?? 0) !== t)
        problems.push(`class ${cls}: journal ${byClass.get(cls) ?? 0}, totals ${t}`);
    }
    return { postingSets: from, lines, balanced: totals.balanced && problems.length === 0, problems };
  }

  async close(): Promise<void> {
    await this.node.close();
  }
}

/** Run a scenario on its own node, closing the node whatever happens. */
export async function runScenario<T>(
  ctx: DemoContext,
  chain: string,
  orgs: readonly ScenarioOrg[],
  body: (s: Scenario) => Promise<T>,
): Promise<T> {
  const s = await Scenario.start(ctx, chain, orgs);
  try {
    return await body(s);
  } finally {
    await s.close();
  }
}

/** Format minor units with `precision` decimals (display only). */
export function fmt(amount: number, precision: number): string {
  const neg = amount < 0;
  const s = String(Math.abs(amount)).padStart(precision + 1, '0');
  const out = precision === 0 ? s : `${s.slice(0, -precision)}.${s.slice(-precision)}`;
  return neg ? `-${out}` : out;
}
