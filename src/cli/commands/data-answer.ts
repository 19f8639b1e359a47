import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CryptoSuite, KeyPair } from '../../crypto/index.js';
import { encodeCanonical, fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { DeliveryJson, RequestJson } from '../../modules/datashare/index.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, int, printJson } from '../util.js';

/**
 * `gongzhi data answer` (the owning department answers an answer request instead of sharing
 * records, issue 11 X item 4) and `gongzhi data check-answer` (the requester checks what it was
 * given against the ledger). The statement travels off the ledger; `datashare.answer` logs only its
 * digest in the access audit, so the ledger holds no personal data.
 */

export const ANSWER_TYPE = 'gongzhi.datashare.answer';

/** A signed answer statement, as `data answer` writes it (JSON). */
export interface AnswerStatement {
  readonly type: typeof ANSWER_TYPE;
  readonly group: string;
  readonly request: number;
  readonly dataset: string;
  readonly question: string;
  readonly answer: string;
  /** The owning (answering) department and the requesting one. */
  readonly dept: string;
  readonly requester: string;
  /** The answering account's public key and its signature over the fields above (hex). */
  readonly publicKey: string;
  readonly sig: string;
}

type Unsigned = Omit<AnswerStatement, 'sig'>;

const signedPart = (suite: CryptoSuite, s: Unsigned): Uint8Array =>
  suite.hash(
    encodeCanonical({
      type: s.type,
      group: s.group,
      request: s.request,
      dataset: s.dataset,
      question: s.question,
      answer: s.answer,
      dept: s.dept,
      requester: s.requester,
      publicKey: fromHex(s.publicKey),
    }),
  );

/** The statement for request `q`, signed by `key`, as the bytes whose digest is logged. */
export function answerStatement(
  suite: CryptoSuite,
  key: KeyPair,
  group: string,
  q: RequestJson,
  answer: string,
): Uint8Array {
  const unsigned: Unsigned = {
    type: ANSWER_TYPE,
    group,
    request: q.id,
    dataset: q.dataset,
    question: q.question ?? '',
    answer,
    dept: q.owner,
    requester: q.requester,
    publicKey: toHex(key.publicKey),
  };
  const s: AnswerStatement = {
    ...unsigned,
    sig: toHex(suite.sign(key.secretKey, signedPart(suite, unsigned))),
  };
  return new TextEncoder().encode(`${JSON.stringify(s, null, 2)}\n`);
}

/**
 * Check answer bytes against the ledger's audit entry `d` for request `q`: the digest must be the
 * logged one (DATASHARE_DIGEST_MISMATCH); a statement written by `data answer` must also be signed
 * by the account that logged it, for this request (DATASHARE_UNAUTHENTICATED). Returns the
 * statement when the bytes are one (else undefined: e.g. a credential, checked by its digest).
 */
export function checkAnswer(
  suite: CryptoSuite,
  group: string,
  q: RequestJson,
  d: DeliveryJson,
  bytes: Uint8Array,
): AnswerStatement | undefined {
  if (toHex(suite.hash(bytes)) !== d.digest) {
    throw new GongzhiError('DATASHARE_DIGEST_MISMATCH', 'this is not the answer logged on the ledger', {
      delivery: d.id,
      expected: d.digest,
    });
  }
  let s: Partial<AnswerStatement>;
  try {
    s = JSON.parse(new TextDecoder().decode(bytes)) as Partial<AnswerStatement>;
  } catch {
    return undefined;
  }
  if (s === null || typeof s !== 'object' || s.type !== ANSWER_TYPE) return undefined;
  const st = s as AnswerStatement;
  const bad = (why: string) =>
    new GongzhiError('DATASHARE_UNAUTHENTICATED', `the answer statement ${why}`, { delivery: d.id });
  if (st.group !== group || st.request !== q.id || st.dept !== q.owner) throw bad('is for another request');
  let publicKey: Uint8Array;
  let sig: Uint8Array;
  try {
    publicKey = fromHex(st.publicKey);
    sig = fromHex(st.sig);
  } catch {
    throw bad('has a malformed key or signature');
  }
  if (suite.address(publicKey) !== d.account) throw bad('is not by the account that logged it');
  if (!suite.verify(publicKey, signedPart(suite, st), sig)) throw bad('signature does not verify');
  return st;
}

interface Opts {
  group: string;
  url: string;
  key?: string;
  password?: string;
}

const withClient = (c: Command): Command =>
  c
    .option('--url <url>', 'node API URL', DEFAULT_URL)
    .option('--group <id>', 'group', 'main')
    .option('--key <keystore>', 'account keystore (an account of the department)')
    .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');

/** The answer entry of request `id` in the dataset's audit (the latest, if answered twice). */
async function answerEntry(
  query: <T>(args: Record<string, string>) => Promise<T>,
  q: RequestJson,
): Promise<DeliveryJson> {
  let found: DeliveryJson | undefined;
  for (let offset = 0; ; offset += 100) {
    const page = await query<{ total: number; deliveries: DeliveryJson[] }>({
      dataset: q.dataset,
      offset: String(offset),
      limit: '100',
    });
    for (const d of page.deliveries) if (d.request === q.id && d.version === 0) found = d;
    if (offset + 100 >= page.total || page.deliveries.length === 0) break;
  }
  if (found === undefined) {
    throw new GongzhiError('DATASHARE_NOT_FOUND', 'the request has no answer on the ledger yet', {
      request: q.id,
    });
  }
  return found;
}

/** Adds `answer` and `check-answer` to `gongzhi data`. */
export function registerDataAnswer(data: Command): void {
  withClient(
    data
      .command('answer <request>')
      .description(
        'Answer an answer request (owner department): write a signed statement and log its digest, or log a prepared file (e.g. a credential)',
      )
      .option('--answer <text>', 'the answer, e.g. yes or no (a signed statement is written to --out)')
      .option('--statement <file>', 'log this prepared file as the answer instead (its digest)')
      .option('--out <file>', 'where to write the signed statement (with --answer)'),
  ).action(
    action(async (request: string, o: Opts & { answer?: string; statement?: string; out?: string }) => {
      if ((o.answer === undefined) === (o.statement === undefined)) {
        throw new GongzhiError(
          'CONFIG_INVALID',
          'give exactly one of --answer <text> and --statement <file>',
        );
      }
      if (o.answer !== undefined && o.out === undefined) {
        throw new GongzhiError('CONFIG_INVALID', '--answer needs --out <file> for the signed statement');
      }
      const ctx = await clientContext(o);
      const q = await ctx.client.query<RequestJson>(ctx.group, 'datashare', 'request', {
        request: String(int(request)),
      });
      let bytes: Uint8Array;
      if (o.answer !== undefined) {
        bytes = answerStatement(ctx.suite, await ctx.signer(), ctx.group, q, o.answer);
        writeFileSync(o.out as string, bytes);
      } else bytes = new Uint8Array(readFileSync(o.statement as string));
      const r = await ctx.send('datashare', 'answer', { request: q.id, digest: ctx.suite.hash(bytes) });
      const ev = (r.receipt?.events ?? []).find((e) => e.name === 'delivered');
      printJson({
        request: q.id,
        delivery: ev?.data.delivery,
        digest: toHex(ctx.suite.hash(bytes)),
        ...(o.out === undefined ? { statement: o.statement } : { out: o.out }),
      });
    }),
  );

  withClient(
    data
      .command('check-answer <file>')
      .description('Check an answer received off the ledger against the access audit (requester)')
      .requiredOption('--request <id>', 'the answer request', int),
  ).action(
    action(async (file: string, o: Opts & { request: number }) => {
      const ctx = await clientContext(o);
      const q = await ctx.client.query<RequestJson>(ctx.group, 'datashare', 'request', {
        request: String(o.request),
      });
      const d = await answerEntry((args) => ctx.client.query(ctx.group, 'datashare', 'audit', args), q);
      const s = checkAnswer(ctx.suite, ctx.group, q, d, new Uint8Array(readFileSync(file)));
      printJson({
        request: q.id,
        delivery: d.id,
        valid: true,
        by: d.account,
        dept: q.owner,
        ...(s === undefined ? { signedStatement: false } : { signedStatement: true, answer: s.answer }),
      });
    }),
  );
}
