import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isSuiteId } from '../../crypto/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type GroupSpec, initConsortium } from '../../node/consortium.js';
import { assertEmptyDir, restrictConsortiumFiles } from '../../storage/index.js';
import { action, int, password, passwordOptions } from '../util.js';

/** Parse "g1,g2:a+b" into groups (a group may name its member orgs after a colon). */
export function parseGroups(s: string): GroupSpec[] {
  return s
    .split(',')
    .filter(Boolean)
    .map((g) => {
      const [id, members] = g.split(':');
      return members ? { id: id as string, orgs: members.split('+') } : { id: id as string };
    });
}

/** `gongzhi init`: write genesis files, keystores and node configs for a consortium. */
export function registerInit(program: Command): void {
  passwordOptions(
    program
      .command('init <dir>')
      .description(
        'create a consortium: genesis per group, org keystores, node configs (<dir> must be new or empty)',
      )
      .requiredOption('--orgs <list>', 'organisation ids, comma separated (e.g. civil,hospital,bank)')
      .option('--groups <list>', 'group ids, comma separated; "g2:a+b" limits g2 to orgs a and b', 'main')
      .option('--crypto <suite>', 'ed25519 | secp256k1 | sm2', 'ed25519')
      .option('--chain <id>', 'chain id', 'gongzhi'),
  )
    .option('--base-port <n>', 'API port of the first org node', int, 7700)
    .action(
      action(
        async (
          dir: string,
          o: {
            orgs: string;
            groups: string;
            crypto: string;
            chain: string;
            password?: string;
            passwordFile?: string;
            basePort: number;
          },
        ) => {
          if (!isSuiteId(o.crypto))
            throw new GongzhiError('CRYPTO_UNKNOWN_SUITE', `unknown suite ${o.crypto}`);
          const out = resolve(dir);
          assertEmptyDir(out);
          const pw = await password(o, true);
          const r = await initConsortium({
            dir: out,
            chain: o.chain,
            suite: o.crypto,
            orgs: o.orgs
              .split(',')
              .filter(Boolean)
              .map((id) => ({ id })),
            groups: parseGroups(o.groups),
            password: pw,
            basePort: o.basePort,
            timestamp: Date.now(),
            onProgress: (m) => process.stderr.write(`  ${m}\n`),
          });
          restrictConsortiumFiles(out);
          process.stdout.write(`consortium written to ${out}\n`);
          for (const g of r.genesis)
            process.stdout.write(`  genesis/${g.group}.json  (${g.orgs.length} orgs)\n`);
          for (const [org, p] of Object.entries(r.nodeConfigs)) {
            process.stdout.write(`  node ${org}: gongzhi start --config ${p}\n`);
          }
        },
      ),
    );
}
