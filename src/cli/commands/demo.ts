import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEMOS, findDemo } from '../../demos/index.js';
import { GongzhiError } from '../../errors/index.js';
import { action, printJson } from '../util.js';

/** `gongzhi demo <name>`: run a scenario end to end on its own in-process node, printing each step. */
export function registerDemo(program: Command): void {
  program
    .command('demo [name]')
    .description('run a scenario end to end, printing its steps (no name: list them)')
    .option(
      '--data <dir>',
      'keep the scenario node data here (default: a temporary directory, removed after)',
    )
    .option(
      '--vote-group <g>',
      'committee-election: ed25519 (default) or BELENIOS-2048 (leaves DIR/belenios/*.bel)',
    )
    .action(
      action(async (name: string | undefined, o: { data?: string; voteGroup?: string }) => {
        if (name === undefined) {
          for (const d of DEMOS) process.stdout.write(`${d.name.padEnd(16)} ${d.description}\n`);
          return;
        }
        const demo = findDemo(name);
        if (!demo) {
          throw new GongzhiError(
            'CONFIG_INVALID',
            `no demo "${name}"; known: ${DEMOS.map((d) => d.name).join(', ')}`,
          );
        }
        const dataDir = o.data ? resolve(o.data) : mkdtempSync(join(tmpdir(), `gongzhi-demo-${name}-`));
        let step = 0;
        try {
          const result = await demo.run({
            dataDir,
            ...(o.voteGroup === undefined ? {} : { options: { voteGroup: o.voteGroup } }),
            log: (s) => process.stdout.write(`${String(++step).padStart(2)}. ${s}\n`),
          });
          printJson(result);
        } finally {
          if (!o.data) rmSync(dataDir, { recursive: true, force: true });
        }
      }),
    );
}
