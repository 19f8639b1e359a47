import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import { amendmentMotion, expenseMotion } from '../../modules/funds/resolution.js';
import type { DonationTraceJson, ExpenseJson } from '../../modules/funds/types.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, hintOf, int, printJson, readBytes } from '../util.js';
import { argsFromJson } from './tx.js';

interface Common {
  group: string;
  url: string;
  key?: string;
  password?: string;
}

const common = (c: Command) =>
  c
    .option('--group <id>', 'group', 'main')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .option('--key <file>', 'keystore of the signing account')
    .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');

/** Sign and send one funds call; a refused call prints its code and hint and exits 1. */
async function send(o: Common, method: string, args: CborMap): Promise<void> {
  const ctx = await clientContext(o);
  const r = await ctx.send('funds', method, args);
  printJson(r);
  const status = r.receipt?.status;
  if (status !== undefined && status !== 'ok') {
    process.stderr.write(`refused ${status}: ${r.receipt?.message ?? ''}\n  hint: ${await hintOf(status)}\n`);
    process.exitCode = 1;
  }
}

/** A 32-byte digest given as hex, or the digest of a file (hashed with the chain's suite). */
async function digestArg(o: Common, v: string): Promise<Uint8Array> {
  const hex = v.replace(/^0x/, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return fromHex(hex.toLowerCase());
  if (!existsSync(v)) throw new GongzhiError('CONFIG_INVALID', `${v} is neither a 64-hex digest nor a file`);
  const { suite } = await clientContext(o);
  return suite.hash(readBytes(v));
}

/** `org:<id>` or `account:<address>` → the expense payee. */
function payee(v: string): CborMap {
  const m = /^(org|account):(.+)$/.exec(v);
  if (m === null) throw new GongzhiError('CONFIG_INVALID', '--payee is org:<id> or account:<address>');
  return { kind: m[1] as string, id: m[2] as string };
}

const yuan = (fen: number, currency: string) => `${currency} ${(fen / 100).toFixed(2)}`;

/** A donor's human-readable trace: where each fen went. */
export function traceLines(t: DonationTraceJson): string[] {
  const c = t.currency;
  const lines = [
    `donation ${t.donation} to ${t.fund}/${t.project}${t.earmark === undefined ? '' : ` (earmark ${t.earmark})`}: ${yuan(t.amount, c)} from ${t.donor ?? 'an anonymous donor'}`,
    `  management fee ${t.feeBps / 100}%: ${yuan(t.fee, c)}; to the project: ${yuan(t.net, c)}`,
  ];
  for (const a of t.allocations) {
    lines.push(
      `  ${yuan(a.amount, c)} → disbursement ${a.disbursement} "${a.purpose}" (${a.status}${a.paymentReference === undefined ? '' : `, bank ref ${a.paymentReference}`})`,
    );
  }
  lines.push(`  not yet disbursed: ${yuan(t.unallocated, c)}`);
  return lines;
}

/** `gongzhi fund …` (community funds and charity) and `gongzhi donation trace <id>`. */
export function registerFund(program: Command): void {
  const fund = program
    .command('fund')
    .description('community funds and charity funds: expenses, books, statements');
  common(fund.command('create <json>').description('open a fund (createFund arguments as JSON)')).action(
    action(async (json: string, o: Common) => send(o, 'createFund', argsFromJson(json))),
  );
  common(
    fund.command('show <fund>').description('a fund’s public page: balance, books, statements, log'),
  ).action(
    action(async (id: string, o: Common) => {
      const { client } = await clientContext(o);
      const q = (name: string) => client.query(o.group, 'funds', name, { fund: id });
      printJson({
        fund: await q('fund'),
        books: await q('books'),
        statements: await q('statements'),
        log: await q('log'),
        amendments: await q('amendments'),
      });
    }),
  );
  common(fund.command('list').description('every fund with its balance')).action(
    action(async (o: Common) =>
      printJson(await (await clientContext(o)).client.query(o.group, 'funds', 'funds', {})),
    ),
  );
  common(fund.command('expenses <fund>').description('the expenses of a fund')).action(
    action(async (id: string, o: Common) =>
      printJson(await (await clientContext(o)).client.query(o.group, 'funds', 'expenses', { fund: id })),
    ),
  );
  common(
    fund.command('expense <id>').description('one expense with votes, payment, receipts, transitions'),
  ).action(
    action(async (id: string, o: Common) =>
      printJson(await (await clientContext(o)).client.query(o.group, 'funds', 'expense', { id })),
    ),
  );
  common(
    fund
      .command('statement <fund>')
      .description('public statement of a period: income and spending by category')
      .option('--from <ms>', 'period start (ms)')
      .option('--to <ms>', 'period end (ms)'),
  ).action(
    action(async (id: string, o: Common & { from?: string; to?: string }) => {
      const args: Record<string, string> = { fund: id };
      if (o.from !== undefined) args.from = o.from;
      if (o.to !== undefined) args.to = o.to;
      printJson(await (await clientContext(o)).client.query(o.group, 'funds', 'statement', args));
    }),
  );
  common(
    fund
      .command('draft <fund>')
      .description('draft an expense')
      .requiredOption('--payee <who>', 'org:<id> or account:<address>')
      .requiredOption('--amount <fen>', 'amount in minor units')
      .requiredOption('--purpose <text>', 'purpose')
      .requiredOption('--category <id>', 'spending category')
      .requiredOption('--quotation <file|hex>', 'the quotation file (hashed) or its digest')
      .option('--works', 'works: completion is confirmed by the committee'),
  ).action(
    action(
      async (
        id: string,
        o: Common & {
          payee: string;
          amount: string;
          purpose: string;
          category: string;
          quotation: string;
          works?: boolean;
        },
      ) =>
        send(o, 'draftExpense', {
          fund: id,
          payee: payee(o.payee),
          amount: int(o.amount),
          purpose: o.purpose,
          category: o.category,
          quotation: await digestArg(o, o.quotation),
          works: o.works === true,
        }),
    ),
  );
  common(
    fund
      .command('submit <id>')
      .description('submit a draft')
      .option('--resolution <id>', 'owners’ resolution'),
  ).action(
    action(async (id: string, o: Common & { resolution?: string }) =>
      send(o, 'submitExpense', {
        id: int(id),
        ...(o.resolution === undefined ? {} : { resolution: o.resolution }),
      }),
    ),
  );
  common(fund.command('approve <id>').description('committee member: approve an expense')).action(
    action(async (id: string, o: Common) => send(o, 'approveExpense', { id: int(id) })),
  );
  common(
    fund
      .command('reject <id>')
      .description('committee member: vote against')
      .requiredOption('--reason <text>'),
  ).action(
    action(async (id: string, o: Common & { reason: string }) =>
      send(o, 'rejectExpense', { id: int(id), reason: o.reason }),
    ),
  );
  common(fund.command('cancel <id>').description('submitter: cancel an unpaid expense')).action(
    action(async (id: string, o: Common) => send(o, 'cancelExpense', { id: int(id) })),
  );
  common(
    fund
      .command('emergency <id>')
      .description('supervisor: fast-track an emergency')
      .requiredOption('--reason <text>'),
  ).action(
    action(async (id: string, o: Common & { reason: string }) =>
      send(o, 'emergencyApprove', { id: int(id), reason: o.reason }),
    ),
  );
  common(
    fund
      .command('pay <id>')
      .description('custodian: confirm payment')
      .requiredOption('--reference <ref>', 'bank reference'),
  ).action(
    action(async (id: string, o: Common & { reference: string }) =>
      send(o, 'payExpense', { id: int(id), reference: o.reference }),
    ),
  );
  common(
    fund.command('receipt <id> <digests...>').description('cite anchored receipt digests (hex or files)'),
  ).action(
    action(async (id: string, ds: string[], o: Common) =>
      send(o, 'addReceipts', { id: int(id), digests: await Promise.all(ds.map((d) => digestArg(o, d))) }),
    ),
  );
  common(fund.command('complete <id>').description('committee member: confirm completed works')).action(
    action(async (id: string, o: Common) => send(o, 'confirmCompletion', { id: int(id) })),
  );
  common(
    fund
      .command('income <fund>')
      .description('custodian: post income')
      .requiredOption('--amount <fen>')
      .requiredOption('--category <id>')
      .requiredOption('--reference <ref>'),
  ).action(
    action(async (id: string, o: Common & { amount: string; category: string; reference: string }) =>
      send(o, 'postIncome', {
        fund: id,
        amount: int(o.amount),
        category: o.category,
        reference: o.reference,
      }),
    ),
  );
  for (const [name, method] of [
    ['freeze', 'freezeFund'],
    ['unfreeze', 'unfreezeFund'],
  ] as const) {
    common(
      fund
        .command(`${name} <fund>`)
        .description(`supervisor: ${name} a fund`)
        .requiredOption('--reason <text>'),
    ).action(
      action(async (id: string, o: Common & { reason: string }) =>
        send(o, method, { fund: id, reason: o.reason }),
      ),
    );
  }
  common(
    fund
      .command('reconcile <fund>')
      .description('custodian: post a periodic statement (accepted only if it equals the books)')
      .requiredOption('--period <id>')
      .requiredOption('--from <ms>')
      .requiredOption('--to <ms>')
      .requiredOption('--opening <fen>')
      .requiredOption('--income <fen>')
      .requiredOption('--payments <fen>')
      .requiredOption('--closing <fen>'),
  ).action(
    action(
      async (
        id: string,
        o: Common & Record<'period' | 'from' | 'to' | 'opening' | 'income' | 'payments' | 'closing', string>,
      ) =>
        send(o, 'postStatement', {
          fund: id,
          period: o.period,
          from: int(o.from),
          to: int(o.to),
          opening: int(o.opening),
          income: int(o.income),
          payments: int(o.payments),
          closing: int(o.closing),
        }),
    ),
  );
  common(
    fund
      .command('motion <expense>')
      .description('the tag an owners’ resolution title must carry to approve this expense'),
  ).action(
    action(async (id: string, o: Common) => {
      const e = (await (
        await clientContext(o)
      ).client.query(o.group, 'funds', 'expense', {
        id,
      })) as ExpenseJson;
      process.stdout.write(`${expenseMotion(e.fund, e.id, e.amount)}\n`);
    }),
  );
  common(
    fund
      .command('amend <fund> <rules-json>')
      .description('propose new rules {members, tiers, emergencyLimit?, completionWeight, feeBps?}')
      .requiredOption('--reason <text>', 'public reason'),
  ).action(
    action(async (id: string, json: string, o: Common & { reason: string }) =>
      send(o, 'proposeAmendment', { fund: id, reason: o.reason, rules: argsFromJson(json) }),
    ),
  );
  common(
    fund
      .command('approve-amendment <fund> <n>')
      .description('committee member: approve an amendment (or cite the owners’ resolution it needs)')
      .option('--resolution <id>', 'owners’ resolution whose title carries the amendment’s motion'),
  ).action(
    action(async (id: string, n: string, o: Common & { resolution?: string }) =>
      send(o, 'approveAmendment', {
        fund: id,
        amendment: int(n),
        ...(o.resolution === undefined ? {} : { resolution: o.resolution }),
      }),
    ),
  );
  common(
    fund
      .command('amendments <fund>')
      .description('rule amendments, what they need, and each one’s motion tag'),
  ).action(
    action(async (id: string, o: Common) => {
      const r = await (await clientContext(o)).client.query(o.group, 'funds', 'amendments', { fund: id });
      printJson(r);
      process.stderr.write(
        `next amendment's motion tag: ${amendmentMotion(id, ((r as { amendments: unknown[] }).amendments.length ?? 0) + 1)}\n`,
      );
    }),
  );
  common(
    fund
      .command('call <method> <json>')
      .description('any other funds method (addProject, recordDonation, disburse, …)'),
  ).action(action(async (method: string, json: string, o: Common) => send(o, method, argsFromJson(json))));

  const donation = program.command('donation').description('charity donations');
  common(
    donation
      .command('trace <id>')
      .description('where a donation went, to the fen (no key needed)')
      .option('--json', 'print JSON'),
  ).action(
    action(async (id: string, o: Common & { json?: boolean }) => {
      const t = (await (
        await clientContext(o)
      ).client.query(o.group, 'funds', 'trace', { id })) as DonationTraceJson;
      if (o.json === true) printJson(t);
      else process.stdout.write(`${traceLines(t).join('\n')}\n`);
    }),
  );
}
