import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { getSuite } from '../../crypto/index.js';
import { encodeCanonical, fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import {
  buildInclusionProof,
  childrenRoot,
  type ProofLevel,
  type ReportEntry,
  type ReportInclusionProof,
  type ReportJson,
  recordsRoot,
  verifyInclusionProof,
} from '../../modules/reports/index.js';
import type { GongzhiClient } from '../../sdk/index.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, int, printJson } from '../util.js';

interface Common {
  group: string;
  url: string;
  key?: string;
  password?: string;
}

function common(c: Command): Command {
  return c
    .option('--url <url>', 'node API URL', DEFAULT_URL)
    .option('--group <id>', 'group', 'main')
    .option('--key <keystore>', 'the office operator’s keystore')
    .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');
}

interface OfficeJson {
  id: string;
  parent?: string;
  parentJoined: boolean;
  children: string[];
}

/**
 * An office's records: a JSON file holding a list of objects (e.g. {id, category, amount}). Each
 * is one leaf, its canonical CBOR encoding; totals sum `amount` per `category`.
 */
function readRecords(path: string): { bytes: Uint8Array[]; totals: Record<string, number> } {
  const list = JSON.parse(readFileSync(path, 'utf8')) as { category?: unknown; amount?: unknown }[];
  if (!Array.isArray(list))
    throw new GongzhiError('CONFIG_INVALID', `${path} must hold a JSON list of records`);
  const totals: Record<string, number> = {};
  const bytes = list.map((r, i) => {
    if (typeof r.category !== 'string' || !Number.isSafeInteger(r.amount)) {
      throw new GongzhiError('CONFIG_INVALID', `record ${i} needs a string category and an integer amount`);
    }
    totals[r.category] = (totals[r.category] ?? 0) + (r.amount as number);
    return encodeCanonical(r as CborMap);
  });
  return { bytes, totals };
}

export function entryOf(r: ReportJson): ReportEntry {
  return {
    office: r.office,
    period: r.period,
    version: r.version,
    kind: r.kind,
    root: fromHex(r.root),
    count: r.count,
    totals: Object.entries(r.totals).sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

const report = (c: GongzhiClient, group: string, office: string, period: string, version?: number) =>
  c.query<ReportJson>(group, 'reports', 'report', {
    office,
    period,
    ...(version === undefined ? {} : { version: String(version) }),
  });

async function send(o: Common, method: string, args: CborMap) {
  const ctx = await clientContext(o);
  const r = await ctx.send('reports', method, args);
  const status = r.receipt?.status ?? 'pending';
  if (status !== 'ok')
    throw new GongzhiError(status as 'REPORTS_BAD_SUM', r.receipt?.message ?? status, { hash: r.hash });
  return r.receipt?.events ?? [];
}

/** `gongzhi report …`: offices, period reports, checked aggregates, inclusion proofs. */
export function registerReport(program: Command): void {
  const rep = program
    .command('report')
    .description('Hierarchical reports: offices, submit, aggregate, prove');

  common(
    rep
      .command('office <office>')
      .description('Register an office (optionally naming the office it reports to)')
      .requiredOption('--name <text>')
      .option('--parent <office>'),
  ).action(
    action(async (office: string, o: Common & { name: string; parent?: string }) => {
      printJson(
        await send(o, 'registerOffice', {
          office,
          name: o.name,
          ...(o.parent === undefined ? {} : { parent: o.parent }),
        }),
      );
    }),
  );

  common(rep.command('admit <office> <child>').description('Accept a lower office')).action(
    action(async (office: string, child: string, o: Common) =>
      printJson(await send(o, 'admit', { office, child })),
    ),
  );

  common(
    rep
      .command('submit <office>')
      .description(
        'Report a period from the office’s records file (only the root and totals go on the ledger)',
      )
      .requiredOption('--period <id>')
      .requiredOption('--records <file>', 'JSON list of {category, amount, …}')
      .option('--reason <text>', 'for a correction'),
  ).action(
    action(async (office: string, o: Common & { period: string; records: string; reason?: string }) => {
      const ctx = await clientContext(o);
      const recs = readRecords(o.records);
      printJson(
        await send(o, 'submit', {
          office,
          period: o.period,
          totals: recs.totals,
          root: recordsRoot(ctx.suite.hash, recs.bytes),
          count: recs.bytes.length,
          ...(o.reason === undefined ? {} : { reason: o.reason }),
        }),
      );
    }),
  );

  common(
    rep
      .command('aggregate <office>')
      .description('Sum the joined children’s latest reports and submit the aggregate')
      .requiredOption('--period <id>')
      .option('--reason <text>', 'for a re-aggregation'),
  ).action(
    action(async (office: string, o: Common & { period: string; reason?: string }) => {
      const ctx = await clientContext(o);
      const of = await ctx.client.query<OfficeJson>(o.group, 'reports', 'office', { office });
      const rs = await Promise.all(of.children.map((c) => report(ctx.client, o.group, c, o.period)));
      const totals: Record<string, number> = {};
      for (const r of rs) for (const [k, v] of Object.entries(r.totals)) totals[k] = (totals[k] ?? 0) + v;
      printJson(
        await send(o, 'aggregate', {
          office,
          period: o.period,
          totals,
          root: childrenRoot(ctx.suite.hash, rs.map(entryOf)),
          children: rs.map((r) => ({ office: r.office, version: r.version })),
          ...(o.reason === undefined ? {} : { reason: o.reason }),
        }),
      );
    }),
  );

  common(
    rep
      .command('show <office>')
      .description('An office’s period report and whether it is stale')
      .requiredOption('--period <id>')
      .option('--report-version <n>', 'version (default latest)', int),
  ).action(
    action(async (office: string, o: Common & { period: string; reportVersion?: number }) => {
      const { client } = await clientContext(o);
      printJson(await report(client, o.group, office, o.period, o.reportVersion));
    }),
  );

  common(
    rep
      .command('prove <office>')
      .description('Prove record <index> of the office’s records file up to the top report')
      .requiredOption('--period <id>')
      .requiredOption('--records <file>')
      .requiredOption('--index <n>', 'record index (0-based)', int)
      .option('--out <file>', 'write the proof here'),
  ).action(
    action(
      async (
        office: string,
        o: Common & { period: string; records: string; index: number; out?: string },
      ) => {
        const ctx = await clientContext(o);
        const levels: ProofLevel[] = [];
        let cur = await report(ctx.client, o.group, office, o.period);
        for (;;) {
          const of = await ctx.client.query<OfficeJson>(o.group, 'reports', 'office', { office: cur.office });
          if (of.parent === undefined || !of.parentJoined) {
            levels.push({ report: entryOf(cur) });
            break;
          }
          const up = await report(ctx.client, o.group, of.parent, o.period);
          const siblings = await Promise.all(
            up.children.map((c) => report(ctx.client, o.group, c.office, o.period, c.version)),
          );
          if (!up.children.some((c) => c.office === cur.office && c.version === cur.version)) {
            throw new GongzhiError(
              'REPORTS_STALE_CHILD',
              `${of.parent} has not aggregated ${cur.office}@${cur.version} yet`,
            );
          }
          levels.push({ report: entryOf(cur), siblings: siblings.map(entryOf) });
          cur = up;
        }
        const proof = buildInclusionProof(
          ctx.suite.hash,
          ctx.suite.hashName,
          readRecords(o.records).bytes,
          o.index,
          levels,
        );
        if (o.out !== undefined) writeFileSync(o.out, `${JSON.stringify(proof, null, 2)}\n`);
        else printJson(proof);
      },
    ),
  );

  rep
    .command('verify <proof>')
    .description('Verify an inclusion proof offline; with --url also compare the top report with the ledger')
    .option('--url <url>', 'node API URL to compare with')
    .option('--group <id>', 'group', 'main')
    .action(
      action(async (path: string, o: { url?: string; group: string }) => {
        const proof = JSON.parse(readFileSync(path, 'utf8')) as ReportInclusionProof;
        const hash = getSuite(proof.hash === 'sm3' ? 'sm2' : 'ed25519').hash;
        const top = verifyInclusionProof(hash, proof);
        const out: Record<string, unknown> = { valid: true, top };
        if (o.url !== undefined) {
          const { client } = await clientContext({ url: o.url, group: o.group });
          const onLedger = await report(client, o.group, top.office, top.period, top.version);
          if (onLedger.root !== top.root) {
            throw new GongzhiError('REPORTS_BAD_PROOF', 'the top report differs from the ledger’s', {
              office: top.office,
            });
          }
          out.ledger = {
            matches: true,
            stale: onLedger.stale,
            latest: onLedger.latest,
            height: onLedger.height,
          };
        }
        printJson(out);
      }),
    );
}
