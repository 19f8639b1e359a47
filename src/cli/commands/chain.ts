import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { GongzhiError } from '../../errors/index.js';
import { verifyChainFile } from '../../node/chain-verify.js';
import { DEFAULT_MODULES } from '../../node/index.js';
import { groupFilesOf } from '../../storage/index.js';
import { action, printJson } from '../util.js';

/** `gongzhi chain verify --data <dir>`: offline re-check of every group file in a data directory. */
export function registerChain(program: Command): void {
  const chain = program.command('chain').description('offline checks of a node data directory');
  chain
    .command('verify')
    .description(
      're-check every block (hashes, signatures, roots, replay to the same state root), then the stored state, nonces and head against the replay',
    )
    .requiredOption('--data <dir>', 'node data directory (holds <group>.sqlite files)')
    .option('--group <id>', 'only this group')
    .action(
      action((o: { data: string; group?: string }) => {
        if (!existsSync(o.data))
          throw new GongzhiError('INPUT_NOT_FOUND', `no data directory ${o.data}`, { path: o.data });
        const files = groupFilesOf(readdirSync(o.data)).filter(
          (f) => o.group === undefined || f === `${o.group}.sqlite`,
        );
        if (files.length === 0) throw new GongzhiError('CHAIN_INVALID', `no group files in ${o.data}`);
        const reports = files.map((f) => {
          let last = 0;
          const r = verifyChainFile(join(o.data, f), DEFAULT_MODULES, (h, head) => {
            if (h - last >= 500 || h === head) {
              last = h;
              process.stderr.write(`  ${f}: block ${h}/${head}\n`);
            }
          });
          return r;
        });
        printJson({ ok: true, groups: reports });
      }),
    );
}
