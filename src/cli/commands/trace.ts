import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { toBuffer as qrBuffer, toString as qrString } from 'qrcode';
import { toBase64Url } from '../../encoding/index.js';
import {
  formatDigitalLink,
  hashDocument,
  hashEvent,
  type ProductId,
  parseGtin,
  parseProductPath,
  productPath,
  validateEpcis,
} from '../../epcis/index.js';
import { type ErrorCode, GongzhiError, looksLikeErrorCode } from '../../errors/index.js';
import { prepareDocument } from '../../node/trace-recorder.js';
import { buildTx } from '../../sdk/index.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, printJson } from '../util.js';

/** Read and parse a JSON(-LD) file with a typed error. */
function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GongzhiError('CONFIG_INVALID', `cannot read ${path}: ${(e as Error).message}`, { path });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GongzhiError('TRACE_SCHEMA_INVALID', `${path} is not JSON: ${(e as Error).message}`, { path });
  }
}

/** A product identifier from a Digital Link URI or path, or from --gtin/--lot/--serial (check digit verified). */
function productId(id: string | undefined, o: { gtin?: string; lot?: string; serial?: string }): ProductId {
  if (id !== undefined) {
    const p = parseProductPath(id);
    if (!p.ok)
      throw new GongzhiError(p.problem === 'check-digit' ? 'TRACE_BAD_GTIN' : 'TRACE_BAD_ID', p.detail, {
        id,
      });
    return p.value;
  }
  if (o.gtin === undefined)
    throw new GongzhiError('CONFIG_INVALID', 'give a Digital Link URI, or --gtin with --lot/--serial');
  const g = parseGtin(o.gtin);
  if (!g.ok)
    throw new GongzhiError(g.problem === 'check-digit' ? 'TRACE_BAD_GTIN' : 'TRACE_BAD_ID', g.detail);
  const built = parseProductPath(
    productPath({
      gtin: g.value,
      ...(o.lot ? { lot: o.lot } : {}),
      ...(o.serial ? { serial: o.serial } : {}),
    }),
  );
  if (!built.ok) throw new GongzhiError('TRACE_BAD_ID', built.detail);
  return built.value;
}

/** A node's error code as a typed code (an unknown one as API_INTERNAL). */
const codeOf = (c: string): ErrorCode => (looksLikeErrorCode(c) ? c : 'API_INTERNAL');

interface Common {
  group: string;
  url: string;
  key?: string;
  password?: string;
}

/** `gongzhi trace hash|record|show|qr`. */
export function registerTrace(program: Command): void {
  const tr = program
    .command('trace')
    .description(
      'traceability: EPCIS 2.0 event hashes (CBV 2.0), recording, resolving, GS1 Digital Link QR codes',
    );

  tr.command('hash <file>')
    .description('print the CBV 2.0 canonical hash of every event of an EPCIS document, in document order')
    .option('--prehash', 'also print each event’s pre-hash string (after its hash, tab-separated)')
    .option('--no-validate', 'hash without validating against the EPCIS 2.0 JSON Schema')
    .action(
      action((file: string, o: { prehash?: boolean; validate: boolean }) => {
        const doc = readJson(file);
        if (o.validate) {
          const v = validateEpcis(doc);
          if (!v.valid) {
            const p = v.problems[0];
            throw new GongzhiError('TRACE_SCHEMA_INVALID', `${file}: ${p?.path ?? '/'} ${p?.message ?? ''}`, {
              problems: v.problems.length,
            });
          }
        }
        for (const h of hashDocument(doc))
          process.stdout.write(o.prehash ? `${h.hash}\t${h.preHash}\n` : `${h.hash}\n`);
      }),
    );

  const common = (c: Command) =>
    c
      .option('--group <id>', 'group', 'main')
      .option('--url <url>', 'node URL', DEFAULT_URL)
      .option('--key <file>', 'signer keystore (a registered participant’s account)')
      .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');

  common(
    tr
      .command('record <file>')
      .description(
        'validate, hash and summarise an EPCIS document; sign one trace.record per event; the node checks, submits and keeps the document',
      ),
  ).action(
    action(async (file: string, o: Common) => {
      const doc = readJson(file);
      const prepared = prepareDocument(doc);
      const ctx = await clientContext(o);
      const k = await ctx.signer();
      const latest = await ctx.client.block(o.group, 'latest');
      const txs = prepared.map((p) =>
        toBase64Url(
          buildTx({
            suite: ctx.suite,
            secretKey: k.secretKey,
            chain: ctx.info.chain,
            group: o.group,
            module: 'trace',
            method: 'record',
            args: p.args,
            validUntil: latest.height + 100,
          }).bytes,
        ),
      );
      const res = await fetch(`${o.url.replace(/\/+$/, '')}/v1/groups/${o.group}/trace/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ document: doc, txs }),
      });
      const body = (await res.json()) as {
        results?: { status: string }[];
        error?: { code: string; message: string };
      };
      if (body.error !== undefined) {
        throw new GongzhiError(codeOf(body.error.code), body.error.message);
      }
      printJson(body);
      if ((body.results ?? []).some((r) => r.status !== 'ok')) process.exitCode = 1;
    }),
  );

  tr.command('show [id]')
    .description(
      'resolve an identifier (Digital Link URI or /01/<gtin>/10/<lot>[/21/<serial>]) on a node and re-hash its served events here',
    )
    .option('--gtin <gtin>', 'GTIN (with --lot / --serial) instead of a URI')
    .option('--lot <lot>', 'lot (batch) number')
    .option('--serial <serial>', 'serial number')
    .option('--group <id>', 'group (default: the node’s first)')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .option('--json', 'print the resolver’s whole answer')
    .action(
      action(
        async (
          id: string | undefined,
          o: { gtin?: string; lot?: string; serial?: string; group?: string; url: string; json?: boolean },
        ) => {
          const pid = productId(id, o);
          const q = o.group === undefined ? '' : `?group=${encodeURIComponent(o.group)}`;
          const res = await fetch(`${o.url.replace(/\/+$/, '')}/${productPath(pid)}${q}`, {
            headers: { accept: 'application/json' },
          });
          const view = (await res.json()) as {
            error?: { code: string; message: string };
            key: string;
            product?: { name: string };
            trace: {
              events: {
                hash: string;
                hashUri: string;
                eventTime: number;
                bizStep: string;
                recorder: string;
              }[];
              gardens: { id: string; name: string }[];
              scans: { count: number; distinct: number; flagged: boolean };
            };
            documents: Record<string, { event: Record<string, unknown>; ignore: string[] }>;
          };
          if (view.error !== undefined) throw new GongzhiError(codeOf(view.error.code), view.error.message);
          // Re-hash here what the node serves: a node cannot make a tampered event match the ledger.
          const checks = view.trace.events.map((e) => {
            const d = view.documents[e.hash];
            if (d === undefined) return { hash: e.hash, check: 'missing' };
            return {
              hash: e.hash,
              check: hashEvent(d.event, undefined, d.ignore).hash === e.hashUri ? 'ok' : 'MISMATCH',
            };
          });
          if (o.json) {
            printJson({ ...view, checks });
            return;
          }
          const out = process.stdout;
          out.write(`${view.product?.name ?? pid.gtin}  ${formatDigitalLink(pid)}\n`);
          out.write(`garden: ${view.trace.gardens.map((g) => `${g.name} (${g.id})`).join(', ') || '—'}\n`);
          view.trace.events.forEach((e, i) => {
            const step = e.bizStep
              .replace('https://ref.gs1.org/cbv/BizStep-', '')
              .replace('urn:gongzhi:bizstep:', '');
            out.write(
              `${new Date(e.eventTime).toISOString()}  ${step.padEnd(16)} ${e.recorder.padEnd(18)} ${checks[i]?.check}\n`,
            );
          });
          const s = view.trace.scans;
          out.write(
            `scans: ${s.count} in ${s.distinct} places${s.flagged ? '  FLAGGED: likely a cloned code' : ''}\n`,
          );
          const ok = checks.filter((c) => c.check === 'ok').length;
          out.write(`verified here: ${ok}/${checks.length} events re-hashed and equal to the ledger\n`);
          if (checks.some((c) => c.check === 'MISMATCH')) process.exitCode = 1;
        },
      ),
    );

  tr.command('qr [id]')
    .description(
      'print (and write as PNG/SVG) the QR code of a GS1 Digital Link URI; GTIN check digit verified',
    )
    .option('--gtin <gtin>', 'GTIN (with --lot / --serial) instead of a URI')
    .option('--lot <lot>', 'lot (batch) number')
    .option('--serial <serial>', 'serial number')
    .option('--base <url>', 'resolver base URL (default: the URI’s own, else https://id.gs1.org)')
    .option('--png <file>', 'write a PNG')
    .option('--svg <file>', 'write an SVG')
    .option('--no-terminal', 'do not print the code in the terminal')
    .action(
      action(
        async (
          id: string | undefined,
          o: {
            gtin?: string;
            lot?: string;
            serial?: string;
            base?: string;
            png?: string;
            svg?: string;
            terminal: boolean;
          },
        ) => {
          const pid = productId(id, o);
          const own = id?.match(/^https?:\/\/[^/]+/)?.[0];
          const uri = formatDigitalLink(pid, o.base ?? own);
          process.stdout.write(`${uri}\n`);
          if (o.terminal)
            process.stdout.write(
              await qrString(uri, { type: 'terminal', small: true, errorCorrectionLevel: 'M' }),
            );
          if (o.svg !== undefined)
            writeFileSync(o.svg, await qrString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
          if (o.png !== undefined)
            writeFileSync(
              o.png,
              await qrBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 8 }),
            );
        },
      ),
    );
}
