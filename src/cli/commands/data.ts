import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fetchDelivery, ownerNodeKeys, placeVersion } from '../../api/datashare-delivery.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { DeliveryJson } from '../../modules/datashare/index.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, int, printJson, readBytes } from '../util.js';
import { registerDataAnswer } from './data-answer.js';

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
    .option('--key <keystore>', 'account keystore (an account of the department)')
    .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');
}

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Submit one datashare call; print its events (request and delivery ids are in them). */
async function call(o: Common, method: string, args: CborMap) {
  const ctx = await clientContext(o);
  const r = await ctx.send('datashare', method, args);
  const status = r.receipt?.status ?? 'pending';
  if (status !== 'ok') {
    throw new GongzhiError(status as 'DATASHARE_NOT_FOUND', r.receipt?.message ?? status, { hash: r.hash });
  }
  return { ctx, r, events: r.receipt?.events ?? [] };
}

/** `gongzhi data …`: the data catalogue, requests, grants, encrypted fetch, the access audit. */
export function registerData(program: Command): void {
  const data = program
    .command('data')
    .description('Cross-department data sharing (catalogue, grants, delivery, answers, audit)');
  registerDataAnswer(data);

  common(
    data.command('catalogue').description('List the catalogue').option('--owner <dept>', 'one department'),
  ).action(
    action(async (o: Common & { owner?: string }) => {
      const { client } = await clientContext(o);
      printJson(
        await client.query(
          o.group,
          'datashare',
          'catalogue',
          o.owner === undefined ? {} : { owner: o.owner },
        ),
      );
    }),
  );

  common(data.command('show <dataset>').description('A catalogue entry with its versions')).action(
    action(async (dataset: string, o: Common) => {
      const { client } = await clientContext(o);
      printJson(await client.query(o.group, 'datashare', 'dataset', { dataset }));
    }),
  );

  common(
    data
      .command('publish <dataset>')
      .description('List a dataset in the catalogue (field names and types only)')
      .requiredOption('--title <text>')
      .requiredOption('--owner <dept>', 'owning department (organisation id)')
      .requiredOption(
        '--fields <list>',
        'name:type,… (types: string integer decimal boolean date datetime binary)',
      )
      .option('--class <class>', 'open | conditional | not-shared', 'conditional')
      .requiredOption('--legal-basis <text>')
      .option('--frequency <text>', 'update frequency', 'monthly'),
  ).action(
    action(
      async (
        id: string,
        o: Common & {
          title: string;
          owner: string;
          fields: string;
          class: string;
          legalBasis: string;
          frequency: string;
        },
      ) => {
        const fields = list(o.fields).map((f) => {
          const [name, type = 'string'] = f.split(':');
          return { name: name ?? f, type };
        });
        const { events } = await call(o, 'publish', {
          id,
          title: o.title,
          owner: o.owner,
          fields,
          class: o.class,
          legalBasis: o.legalBasis,
          frequency: o.frequency,
        });
        printJson(events);
      },
    ),
  );

  common(
    data
      .command('version <dataset>')
      .description('Record a new version (digest, size) and place the file in the owner node’s store')
      .requiredOption('--file <path>')
      .option('--store <dataDir>', 'the owner node’s data directory (its `dataDir`), to serve the file'),
  ).action(
    action(async (dataset: string, o: Common & { file: string; store?: string }) => {
      const bytes = readBytes(o.file);
      const ctx0 = await clientContext(o);
      const digest = ctx0.suite.hash(bytes);
      const { events } = await call(o, 'addVersion', { dataset, digest, size: bytes.length });
      const version = Number((events[0]?.data as { version?: number } | undefined)?.version ?? 0);
      if (o.store !== undefined) placeVersion(o.store, o.group, dataset, version, bytes);
      printJson({
        dataset,
        version,
        digest: Buffer.from(digest).toString('hex'),
        size: bytes.length,
        stored: o.store !== undefined,
      });
    }),
  );

  common(
    data
      .command('request <dataset>')
      .description('Request fields of a dataset (or an answer) with purpose and legal basis')
      .requiredOption('--dept <dept>', 'the requesting department')
      .option('--fields <list>', 'field names, comma-separated', '')
      .requiredOption('--purpose <text>')
      .requiredOption('--legal-basis <text>')
      .option('--answer <question>', 'ask a yes/no question instead of data'),
  ).action(
    action(
      async (
        dataset: string,
        o: Common & { dept: string; fields: string; purpose: string; legalBasis: string; answer?: string },
      ) => {
        const { events } = await call(o, 'request', {
          dataset,
          dept: o.dept,
          fields: list(o.fields),
          purpose: o.purpose,
          legalBasis: o.legalBasis,
          ...(o.answer === undefined ? {} : { kind: 'answer', question: o.answer }),
        });
        printJson(events);
      },
    ),
  );

  common(
    data
      .command('grant <request>')
      .description('Grant a request (owner department)')
      .option('--expires-in <seconds>', 'grant lifetime', int, 3600)
      .option('--fields <list>', 'scope: a subset of the requested fields')
      .option('--max <n>', 'most deliveries', int),
  ).action(
    action(async (request: string, o: Common & { expiresIn: number; fields?: string; max?: number }) => {
      const { events } = await call(o, 'grant', {
        request: int(request),
        expiresAt: Date.now() + o.expiresIn * 1000,
        ...(o.fields === undefined ? {} : { fields: list(o.fields) }),
        ...(o.max === undefined ? {} : { maxDeliveries: o.max }),
      });
      printJson(events);
    }),
  );

  for (const method of ['refuse', 'revoke'] as const) {
    common(
      data
        .command(`${method} <request>`)
        .description(method === 'refuse' ? 'Refuse a pending request' : 'Revoke a grant')
        .requiredOption('--reason <text>'),
    ).action(
      action(async (request: string, o: Common & { reason: string }) => {
        printJson((await call(o, method, { request: int(request), reason: o.reason })).events);
      }),
    );
  }

  common(
    data
      .command('fetch <request>')
      .description(
        'Open a delivery on the ledger, fetch it encrypted from the owner’s node, check its digest, confirm',
      )
      .requiredOption('--dataset-version <n>', 'dataset version', int)
      .requiredOption('--from <url>', 'the owner department’s node API')
      .requiredOption('--out <file>'),
  ).action(
    action(async (request: string, o: Common & { datasetVersion: number; from: string; out: string }) => {
      const { ctx, events } = await call(o, 'deliver', { request: int(request), version: o.datasetVersion });
      const id = Number((events[0]?.data as { delivery?: number } | undefined)?.delivery ?? 0);
      const delivery = await ctx.client.query<DeliveryJson>(o.group, 'datashare', 'delivery', {
        delivery: String(id),
      });
      const bytes = await fetchDelivery({
        url: o.from,
        group: o.group,
        suite: ctx.suite,
        key: await ctx.signer(),
        delivery,
        // The owner department's node keys on the ledger: the answering node must be one of them.
        ownerNodes: ownerNodeKeys(
          await ctx.client.query<{ org: string; publicKey: string }[]>(o.group, 'governance', 'nodes', {}),
          delivery.owner,
        ),
      });
      writeFileSync(o.out, bytes);
      await ctx.send('datashare', 'confirm', { delivery: id, digest: ctx.suite.hash(bytes) });
      printJson({ delivery: id, bytes: bytes.length, digest: delivery.digest, verified: true, out: o.out });
    }),
  );

  common(
    data
      .command('audit')
      .description('The access audit of a dataset or a department')
      .option('--dataset <id>')
      .option('--dept <id>'),
  ).action(
    action(async (o: Common & { dataset?: string; dept?: string }) => {
      const { client } = await clientContext(o);
      const args: Record<string, string> =
        o.dataset !== undefined ? { dataset: o.dataset } : { dept: o.dept ?? '' };
      printJson(await client.query(o.group, 'datashare', 'audit', args));
    }),
  );
}
