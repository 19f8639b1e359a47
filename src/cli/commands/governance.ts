import type { Command } from 'commander';
import { fromHex } from '../../encoding/index.js';
import { clientContext, GROUP_HELP } from '../client-context.js';
import { action, DEFAULT_URL, int, passwordOptions, printJson } from '../util.js';
import { argsFromJson } from './tx.js';

interface Common {
  group?: string;
  url: string;
  key?: string;
  password?: string;
  passwordFile?: string;
}

interface Committee {
  readonly members: readonly { readonly account: string; readonly weight: number }[];
  readonly threshold: number;
}
interface Org {
  readonly id: string;
  readonly name: string;
  readonly admins: readonly string[];
}
interface Proposal {
  readonly id: number;
  readonly status: string;
  readonly votes: Readonly<Record<string, boolean>>;
}

type Ctx = Awaited<ReturnType<typeof clientContext>>;

/** The committee as people read it: each member's organisation, the threshold with its unit. */
async function committeeView(ctx: Ctx) {
  const { client, group, suite } = ctx;
  const c = (await client.query(group, 'governance', 'committee', {})) as Committee;
  const orgs = (await client.query(group, 'governance', 'orgs', {})) as Org[];
  const orgOf = new Map<string, Org>();
  for (const o of orgs) for (const k of o.admins) orgOf.set(suite.address(fromHex(k)), o);
  const total = c.members.reduce((n, m) => n + m.weight, 0);
  return {
    members: c.members.map((m) => {
      const o = orgOf.get(m.account);
      return { ...m, ...(o === undefined ? {} : { org: o.id, orgName: o.name }) };
    }),
    threshold: c.threshold,
    thresholdUnit: 'percent of the committee’s total weight',
    totalWeight: total,
    // The rule the module applies: approving weight × 100 ≥ threshold × total weight.
    weightToPass: Math.ceil((c.threshold * total) / 100),
  };
}

/** A proposal's standing: status, approving weight, the weight it needs. */
async function standing(ctx: Ctx, id: number) {
  const p = (await ctx.client.query(ctx.group, 'governance', 'proposal', { id: String(id) })) as Proposal;
  const c = await committeeView(ctx);
  const weightOf = new Map(c.members.map((m) => [m.account, m.weight]));
  const approving = Object.entries(p.votes)
    .filter(([, yes]) => yes)
    .reduce((n, [a]) => n + (weightOf.get(a) ?? 0), 0);
  return { id: p.id, status: p.status, approvingWeight: approving, weightToPass: c.weightToPass };
}

/** `gongzhi governance propose|vote|show`. */
export function registerGovernance(program: Command): void {
  const gov = program.command('governance').description('committee proposals and votes');
  const common = (c: Command) =>
    passwordOptions(
      c
        .option('--group <id>', GROUP_HELP)
        .option('--url <url>', 'node URL', DEFAULT_URL)
        .option('--key <file>', 'committee member keystore'),
    );
  common(
    gov
      .command('propose <action>')
      .description('propose an action, e.g. \'{"type":"setParam","name":"blockIntervalMs","value":100}\''),
  ).action(
    action(async (actionJson: string, o: Common) => {
      const ctx = await clientContext(o);
      const r = await ctx.send('governance', 'propose', { action: argsFromJson(actionJson) });
      const ev = r.receipt?.events.find((e) => e.module === 'governance' && e.name === 'proposed');
      const id = typeof ev?.data.id === 'number' ? ev.data.id : undefined;
      // The id is what the other members vote on: shown first, with what the proposal still needs.
      printJson({ ...(id === undefined ? {} : { proposal: await standing(ctx, id) }), ...r });
    }),
  );
  common(
    gov.command('vote <id>').description('vote on a proposal').option('--reject', 'vote against'),
  ).action(
    action(async (id: string, o: Common & { reject?: boolean }) => {
      const ctx = await clientContext(o);
      const r = await ctx.send('governance', 'vote', { id: int(id), approve: o.reject !== true });
      printJson({ proposal: await standing(ctx, int(id)), ...r });
    }),
  );
  common(
    gov.command('show [id]').description('a proposal, or the committee, permissions and open proposals'),
  ).action(
    action(async (id: string | undefined, o: Common) => {
      const ctx = await clientContext(o);
      const { client, group } = ctx;
      if (id !== undefined) {
        printJson(await client.query(group, 'governance', 'proposal', { id }));
        return;
      }
      printJson({
        committee: await committeeView(ctx),
        params: await client.query(group, 'governance', 'params', {}),
        permissions: await client.query(group, 'governance', 'permissions', {}),
        proposals: await client.query(group, 'governance', 'proposals', {}),
      });
    }),
  );
}
