import type { Command } from 'commander';
import { GongzhiClient } from '../../sdk/index.js';
import { action, DEFAULT_URL, printJson } from '../util.js';

/** `gongzhi status`: node identity, groups and heights. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show a running node: identity, groups, heights')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .action(
      action(async (o: { url: string }) => {
        const client = new GongzhiClient({ url: o.url });
        printJson(await client.node());
      }),
    );
}
