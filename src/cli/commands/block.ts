import type { Command } from 'commander';
import { clientContext, GROUP_HELP } from '../client-context.js';
import { action, DEFAULT_URL, printJson } from '../util.js';

/** `gongzhi block get [id]`. */
export function registerBlock(program: Command): void {
  const block = program.command('block').description('inspect blocks');
  block
    .command('get [id]')
    .description('a block by height or hash (latest by default)')
    .option('--group <id>', GROUP_HELP)
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .action(
      action(async (id: string | undefined, o: { group?: string; url: string }) => {
        const { client, group } = await clientContext(o);
        printJson(await client.block(group, id ?? 'latest'));
      }),
    );
}
