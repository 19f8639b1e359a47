import type { Command } from 'commander';
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
      printJson(await ctx.send('governance', 'propose', { action: argsFromJson(actionJson) }));
    }),
  );
  common(
    gov.command('vote <id>').description('vote on a proposal').option('--reject', 'vote against'),
  ).action(
    action(async (id: string, o: Common & { reject?: boolean }) => {
      const ctx = await clientContext(o);
      printJson(await ctx.send('governance', 'vote', { id: int(id), approve: o.reject !== true }));
    }),
  );
  common(
    gov.command('show [id]').description('a proposal, or the committee, permissions and open proposals'),
  ).action(
    action(async (id: string | undefined, o: Common) => {
      const { client, group } = await clientContext(o);
      if (id !== undefined) {
        printJson(await client.query(group, 'governance', 'proposal', { id }));
        return;
      }
      printJson({
        committee: await client.query(group, 'governance', 'committee', {}),
        params: await client.query(group, 'governance', 'params', {}),
        permissions: await client.query(group, 'governance', 'permissions', {}),
        proposals: await client.query(group, 'governance', 'proposals', {}),
      });
    }),
  );
}
