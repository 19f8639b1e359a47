import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startServer } from '../../api/index.js';
import { seedTeaDemo } from '../../demos/tea.js';
import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type LoadedConfig, loadNodeConfig } from '../../node/config.js';
import {
  DEMO_ORGS,
  DEMO_PASSWORD,
  demoAdminKey,
  ensureDemoConsortium,
  ensureDemoSeeded,
} from '../../node/demo.js';
import { DemoCosigners } from '../../node/demo-cosigners.js';
import { GongzhiNode } from '../../node/index.js';
import { checkStoreCacheMb } from '../../storage/index.js';
import { cliLogger, type LogFormat, logFormat } from '../log-format.js';
import { action, int, password, passwordOptions } from '../util.js';

interface StartOpts {
  config?: string;
  demo?: boolean;
  port?: number;
  host?: string;
  data?: string;
  password?: string;
  passwordFile?: string;
  verifyWorkers: number;
  storageCacheMb?: number;
  logLevel?: string;
  logFormat?: LogFormat;
}

/** `gongzhi start`: run a node with its HTTP API until SIGINT/SIGTERM. */
export function registerStart(program: Command): void {
  passwordOptions(
    program
      .command('start')
      .description('start a node (the built-in demo consortium with --demo)')
      .option('--config <file>', 'node config written by `gongzhi init`')
      .option('--demo', 'run the built-in demo consortium (created on first start)')
      .option('--port <n>', 'API port (overrides the config)', int)
      .option('--host <host>', 'API host (default 127.0.0.1)')
      .option('--data <dir>', 'demo: consortium and data directory (default .gongzhi/demo)'),
    'node keystore password',
  )
    .option('--verify-workers <n>', 'signature verification worker threads', int, 1)
    .option(
      '--storage-cache-mb <n>',
      'SQLite page cache per group file, MiB (overrides the config’s storage.cacheMb; default 64)',
      int,
    )
    .option('--log-level <level>', 'pino log level (default: the config’s logLevel, else info)')
    .option(
      '--log-format <format>',
      'auto (lines for people on a terminal, JSON otherwise) | json | pretty (default: the config’s logFormat, else auto)',
      logFormat,
    )
    .action(
      action(async (o: StartOpts) => {
        let cfgPath: string;
        let pw: string;
        let demoDir: string | undefined;
        // Logging before the config is read (demo creation): the flags, else the defaults.
        let logger = cliLogger(o.logLevel ?? 'info', o.logFormat ?? 'auto');
        if (o.demo) {
          demoDir = resolve(o.data ?? '.gongzhi/demo');
          cfgPath = await ensureDemoConsortium(demoDir, (m) => logger.info(m));
          pw = DEMO_PASSWORD;
        } else {
          if (!o.config)
            throw new GongzhiError('CONFIG_INVALID', 'either --config <file> or --demo is required');
          if (!existsSync(o.config))
            throw new GongzhiError('INPUT_NOT_FOUND', `no config file ${o.config}`, { path: o.config });
          cfgPath = o.config;
          pw = await password(o);
        }
        const cfg = await loadNodeConfig(cfgPath, pw);
        if (cfg.file.logLevel !== undefined || cfg.file.logFormat !== undefined) {
          logger = cliLogger(
            o.logLevel ?? cfg.file.logLevel ?? 'info',
            o.logFormat ?? cfg.file.logFormat ?? 'auto',
          );
        }
        const storeCacheMb =
          o.storageCacheMb === undefined
            ? cfg.file.storage?.cacheMb
            : checkStoreCacheMb(o.storageCacheMb, '--storage-cache-mb');
        const startNode = (dataDir: string) =>
          GongzhiNode.start({
            nodeId: cfg.file.nodeId,
            org: cfg.file.org,
            nodeSecretKey: cfg.nodeSecretKey,
            genesis: cfg.genesis,
            dataDir,
            mempoolLimit: cfg.file.mempoolLimit ?? 100_000,
            ...(cfg.file.mempoolSenderLimit === undefined
              ? {}
              : { mempoolSenderLimit: cfg.file.mempoolSenderLimit }),
            verifyWorkers: cfg.file.verifyWorkers ?? o.verifyWorkers,
            ...(cfg.file.cutWhenIdle === undefined ? {} : { cutWhenIdle: cfg.file.cutWhenIdle }),
            ...(cfg.network ? { network: cfg.network } : {}),
            ...(cfg.identity ? { identity: cfg.identity } : {}),
            health: cfg.health,
            ...(storeCacheMb === undefined ? {} : { storeCacheMb }),
            logger,
          });
        const log = (m: string) => logger.info(m);
        const teaStory = async (n: GongzhiNode, dir: string): Promise<string | undefined> => {
          const committee = await Promise.all(DEMO_ORGS.map((org) => demoAdminKey(dir, org.id)));
          // The tea story's consumer page (skipped, with a warning, on an older demo genesis).
          return seedTeaDemo(n, committee, log).catch((e: unknown) => {
            logger.warn({ err: e }, 'demo: tea story not seeded');
            return undefined;
          });
        };
        if (demoDir) {
          const dir = demoDir;
          // Seeded on a node of its own and moved into place in one rename: never half-seeded.
          const r = await ensureDemoSeeded(dir, cfg.dataDir, startNode, log, async (n) => {
            await teaStory(n, dir);
          });
          if (r === 'seeded') logger.info('demo: data seeded');
        }
        const node = await startNode(cfg.dataDir);
        // The demo's other organisations re-execute and sign every block: real finality certificates.
        const cosigners = demoDir === undefined ? undefined : await DemoCosigners.open(node, demoDir, logger);
        // On a seeded demo this only finds the page of the story already on the ledger.
        const teaPage = demoDir === undefined ? undefined : await teaStory(node, demoDir);
        const host = o.host ?? cfg.file.api.host;
        const port = o.port ?? cfg.file.api.port;
        let server: Awaited<ReturnType<typeof startServer>>;
        try {
          server = await startServer(node, {
            host,
            port,
            logger,
            limits: cfg.apiLimits,
            corsOrigins: cfg.corsOrigins,
          });
        } catch (e) {
          await cosigners?.close();
          await node.close();
          throw e;
        }
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'shutting down: finishing the block in flight');
          await server.close();
          await cosigners?.close();
          await node.close();
          logger.info('stopped');
          process.exit(0);
        };
        process.on('SIGINT', () => void stop('SIGINT'));
        process.on('SIGTERM', () => void stop('SIGTERM'));
        // Printed only now: the server listens, so "Ready" means a request will be answered.
        process.stdout.write(`${banner(node, server.url, demoDir, cfg, teaPage).join('\n')}\n`);
        process.send?.({ ready: true, url: server.url });
      }),
    );
}

/** The start banner; each group's two hashes are labelled (they are different things). */
function banner(
  node: GongzhiNode,
  url: string,
  demoDir: string | undefined,
  cfg: LoadedConfig,
  teaPage: string | undefined,
): string[] {
  const info = node.info();
  const out = [
    `Gongzhi node ${info.nodeId} (${info.org}) on chain ${info.chain}, suite ${info.suite}`,
    `  Console:  ${url}/   (web console in a browser)`,
    `  API:      ${url}/v1`,
    `  OpenAPI:  ${url}/openapi.json`,
    `  Health:   ${url}/health   Metrics: ${url}/metrics`,
    `  Data:     ${info.dataDir}`,
    `  Groups:   ${info.groups.map((g) => `${g.id}@${g.height}`).join(', ')}`,
  ];
  for (const g of info.groups) {
    const block0 = node.group(g.id).store.blockByHeight(0);
    out.push(
      `    ${g.id}: genesis document hash ${g.genesisHash} (of genesis/${g.id}.json, in block 0's header)`,
      `    ${' '.repeat(g.id.length)}  block 0 hash          ${block0 ? toHex(block0.hash) : '?'}`,
    );
  }
  if (demoDir) {
    out.push(`  Demo keys: ${demoDir}/keys (password "${DEMO_PASSWORD}")`);
    out.push(
      '  Finality: every demo organisation re-executes and signs each block (all in this process: a demo of the mechanism, not of independent trust)',
    );
    if (teaPage !== undefined) out.push(`  Tea page: ${url}${teaPage}`);
  } else out.push(`  Config:   ${cfg.path}`);
  out.push('Ready. Ctrl-C stops the node.');
  return out;
}
