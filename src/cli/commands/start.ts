import { resolve } from 'node:path';
import type { Command } from 'commander';
import { destination, pino } from 'pino';
import { startServer } from '../../api/index.js';
import { GongzhiError } from '../../errors/index.js';
import { loadNodeConfig } from '../../node/config.js';
import { DEMO_PASSWORD, ensureDemoConsortium, seedDemoData } from '../../node/demo.js';
import { GongzhiNode } from '../../node/index.js';
import { action, int, password } from '../util.js';

interface StartOpts {
  config?: string;
  demo?: boolean;
  port?: number;
  host?: string;
  data?: string;
  password?: string;
  verifyWorkers: number;
  logLevel: string;
}

/** `gongzhi start`: run a node with its HTTP API until SIGINT/SIGTERM. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a node (the built-in demo consortium with --demo)')
    .option('--config <file>', 'node config written by `gongzhi init`')
    .option('--demo', 'run the built-in demo consortium (created on first start)')
    .option('--port <n>', 'API port (overrides the config)', int)
    .option('--host <host>', 'API host (default 127.0.0.1)')
    .option('--data <dir>', 'demo: consortium and data directory (default .gongzhi/demo)')
    .option('--password <pw>', 'node keystore password (or GONGZHI_PASSWORD)')
    .option('--verify-workers <n>', 'signature verification worker threads', int, 1)
    .option('--log-level <level>', 'pino log level', 'info')
    .action(
      action(async (o: StartOpts) => {
        const logger = pino({ level: o.logLevel }, destination(2));
        let cfgPath: string;
        let pw: string;
        let demoDir: string | undefined;
        if (o.demo) {
          demoDir = resolve(o.data ?? '.gongzhi/demo');
          cfgPath = await ensureDemoConsortium(demoDir, (m) => logger.info(m));
          pw = DEMO_PASSWORD;
        } else {
          if (!o.config)
            throw new GongzhiError('CONFIG_INVALID', 'either --config <file> or --demo is required');
          cfgPath = o.config;
          pw = password(o.password);
        }
        const cfg = await loadNodeConfig(cfgPath, pw);
        const node = await GongzhiNode.start({
          nodeId: cfg.file.nodeId,
          org: cfg.file.org,
          nodeSecretKey: cfg.nodeSecretKey,
          genesis: cfg.genesis,
          dataDir: cfg.dataDir,
          mempoolLimit: cfg.file.mempoolLimit ?? 100_000,
          verifyWorkers: cfg.file.verifyWorkers ?? o.verifyWorkers,
          ...(cfg.file.cutWhenIdle === undefined ? {} : { cutWhenIdle: cfg.file.cutWhenIdle }),
          ...(cfg.network ? { network: cfg.network } : {}),
          ...(cfg.identity ? { identity: cfg.identity } : {}),
          logger,
        });
        const host = o.host ?? cfg.file.api.host;
        const port = o.port ?? cfg.file.api.port;
        const server = await startServer(node, { host, port, logger });
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'shutting down: finishing the block in flight');
          await server.close();
          await node.close();
          logger.info('stopped');
          process.exit(0);
        };
        process.on('SIGINT', () => void stop('SIGINT'));
        process.on('SIGTERM', () => void stop('SIGTERM'));
        if (demoDir) await seedDemoData(node, demoDir, (m) => logger.info(m));
        const info = node.info();
        const out = [
          `Gongzhi node ${info.nodeId} (${info.org}) on chain ${info.chain}, suite ${info.suite}`,
          `  API:      ${server.url}/v1`,
          `  OpenAPI:  ${server.url}/openapi.json`,
          `  Health:   ${server.url}/health   Metrics: ${server.url}/metrics`,
          `  Data:     ${info.dataDir}`,
          `  Groups:   ${info.groups.map((g) => `${g.id}@${g.height}`).join(', ')}`,
        ];
        if (demoDir) {
          out.push(`  Demo keys: ${demoDir}/keys (password "${DEMO_PASSWORD}")`);
        }
        out.push('Ready. Ctrl-C stops the node.');
        process.stdout.write(`${out.join('\n')}\n`);
        process.send?.({ ready: true, url: server.url });
      }),
    );
}
