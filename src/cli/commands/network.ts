import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isSuiteId } from '../../crypto/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  formatStatus,
  initNetwork,
  networkDown,
  networkStatus,
  networkUp,
  readNetwork,
  unhealthy,
} from '../../network/index.js';
import { assertEmptyDir } from '../../storage/index.js';
import { action, int, password, passwordOptions, printJson } from '../util.js';
import { parseGroups } from './init.js';

interface InitOpts {
  orgs: string;
  groups: string;
  nats: number;
  crypto: string;
  chain: string;
  password?: string;
  passwordFile?: string;
  basePort: number;
  natsBasePort: number;
  replicas?: number;
  quorumPercent?: number;
}

const progress = (m: string) => process.stderr.write(`  ${m}\n`);

/** `gongzhi network init|up|down|status`: a consortium with its NATS JetStream ordering cluster. */
export function registerNetwork(program: Command): void {
  const net = program
    .command('network')
    .description('a consortium network: NATS JetStream cluster (TLS, per-org users) and one node per org');

  const init = net
    .command('init <dir>')
    .description(
      'write genesis, keys, node configs, a consortium CA, TLS certificates and NATS server configs (<dir> must be new or empty)',
    )
    .requiredOption('--orgs <list>', 'organisation ids, comma separated (e.g. a,b,c,d)')
    .option('--groups <list>', 'group ids, comma separated; "g2:a+d" limits g2 to orgs a and d', 'main')
    .option('--nats <n>', 'number of NATS servers', int, 3)
    .option('--crypto <suite>', 'ed25519 | secp256k1 | sm2', 'ed25519')
    .option('--chain <id>', 'chain id', 'gongzhi');
  passwordOptions(init)
    .option('--base-port <n>', 'API port of the first org node (the next ones count up)', int, 7700)
    .option(
      '--nats-base-port <n>',
      'client port of the first NATS server (routes +100, monitoring +200)',
      int,
      14222,
    )
    .option('--replicas <n>', 'stream replicas (default min(3, --nats))', int)
    .option('--quorum-percent <n>', 'organisations (percent) whose signatures make a block final', int)
    .action(
      action(async (dir: string, o: InitOpts) => {
        if (!isSuiteId(o.crypto)) throw new GongzhiError('CRYPTO_UNKNOWN_SUITE', `unknown suite ${o.crypto}`);
        assertEmptyDir(resolve(dir));
        const pw = await password(o, true);
        const r = await initNetwork({
          dir: resolve(dir),
          chain: o.chain,
          suite: o.crypto,
          orgs: o.orgs.split(',').filter(Boolean),
          groups: parseGroups(o.groups),
          password: pw,
          nats: o.nats,
          basePort: o.basePort,
          natsBasePort: o.natsBasePort,
          ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
          ...(o.quorumPercent === undefined ? {} : { quorumPercent: o.quorumPercent }),
          onProgress: progress,
        });
        const out = [`network written to ${r.dir}`];
        for (const s of r.network.servers) out.push(`  nats ${s.name}: ${s.url}  (${s.config})`);
        for (const g of r.network.groups) out.push(`  group ${g.id}: ${g.orgs.join(', ')}`);
        for (const n of r.network.nodes) out.push(`  node ${n.org}: ${n.apiUrl}  (${n.config})`);
        out.push(`next: gongzhi network up ${dir}`);
        process.stdout.write(`${out.join('\n')}\n`);
      }),
    );

  const up = net
    .command('up <dir>')
    .description(
      'start the NATS servers, create the streams, start every node; wait until all answer (on failure, stop what it started)',
    );
  passwordOptions(up, 'node keystore password')
    .option('--nats-server <path>', 'nats-server binary (or GONGZHI_NATS_SERVER; default: on the PATH)')
    .option('--log-level <level>', 'node log level', 'info')
    .option('--timeout <ms>', 'how long to wait for each step', int, 60_000)
    .option('--json', 'print the result as JSON')
    .action(
      action(
        async (
          dir: string,
          o: {
            password?: string;
            passwordFile?: string;
            natsServer?: string;
            logLevel: string;
            timeout: number;
            json?: boolean;
          },
        ) => {
          const r = await networkUp(dir, {
            password: await password(o),
            logLevel: o.logLevel,
            timeoutMs: o.timeout,
            ...(o.natsServer === undefined ? {} : { natsServer: o.natsServer }),
            onProgress: progress,
          });
          if (o.json) return printJson(r);
          const out = ['network up'];
          for (const s of r.servers)
            out.push(`  nats ${s.name}  ${s.url}  pid ${s.pid}${s.started ? '' : ' (already running)'}`);
          for (const n of r.nodes)
            out.push(`  node ${n.org}  ${n.url}/v1  pid ${n.pid}${n.started ? '' : ' (already running)'}`);
          out.push(`logs: ${resolve(dir, 'logs')}   stop: gongzhi network down ${dir}`);
          process.stdout.write(`${out.join('\n')}\n`);
        },
      ),
    );

  net
    .command('down <dir>')
    .description('stop the processes `network up` started (SIGTERM, then SIGKILL after --timeout)')
    .option('--timeout <ms>', 'grace period before SIGKILL', int, 15_000)
    .option('--json', 'print the result as JSON')
    .action(
      action(async (dir: string, o: { timeout: number; json?: boolean }) => {
        readNetwork(dir);
        const r = await networkDown(dir, { timeoutMs: o.timeout });
        if (o.json) return printJson(r);
        if (r.stopped.length === 0 && r.gone.length === 0) {
          process.stdout.write('nothing recorded as running\n');
          return;
        }
        const out = r.stopped.map(
          (s) =>
            `  stopped ${s.kind} ${s.name} (pid ${s.pid})${r.killed.includes(s.name) ? ' — SIGKILL' : ''}`,
        );
        if (r.gone.length > 0) out.push(`  already gone: ${r.gone.join(', ')}`);
        process.stdout.write(`network down\n${out.join('\n')}\n`);
      }),
    );

  net
    .command('status <dir>')
    .description(
      'per NATS server and node: process, health, group heights (and finality if the API reports it); exit 1 when a part is down',
    )
    .option('--json', 'print JSON')
    .option('--timeout <ms>', 'per-request timeout', int, 2000)
    .action(
      action(async (dir: string, o: { json?: boolean; timeout: number }) => {
        const s = await networkStatus(dir, { timeoutMs: o.timeout });
        if (o.json) printJson(s);
        else process.stdout.write(formatStatus(s));
        // Scripts and health checks read the exit code: a network with a part down is not fine.
        const bad = unhealthy(s);
        if (bad.length > 0) {
          throw new GongzhiError('NETWORK_DEGRADED', `not healthy: ${bad.join(', ')}`, { down: bad.length });
        }
      }),
    );
}
