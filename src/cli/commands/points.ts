import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fromHex, utf8 } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, int, printJson } from '../util.js';
import { registerPointsOversight } from './points-oversight.js';
import { registerPointsRound2 } from './points-round2.js';
import { argsFromJson } from './tx.js';

interface Common {
  group?: string;
  url: string;
  key?: string;
  password?: string;
}

const common = (c: Command) =>
  c
    .option('--group <id>', 'group')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .option('--key <file>', 'keystore of the signing account')
    .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');

/** Sign and send one points call and print the committed response (a failed receipt exits 1: TX_FAILED). */
async function send(o: Common, method: string, args: CborMap): Promise<void> {
  printJson(await (await clientContext(o)).send('points', method, args));
}

async function query(o: Common, name: string, args: Record<string, string>): Promise<void> {
  const ctx = await clientContext(o);
  printJson(await ctx.client.query(ctx.group, 'points', name, args));
}

/**
 * A 32-byte digest: 64 hex digits as given, else the digest (chain suite) of a file's bytes or of
 * the text itself — a device or consent identifier never goes on the ledger, only its digest.
 */
async function digestOf(o: Common, v: string): Promise<Uint8Array> {
  const hex = v.replace(/^0x/, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return fromHex(hex.toLowerCase());
  const { suite } = await clientContext(o);
  return suite.hash(existsSync(v) ? readFileSync(v) : utf8(v));
}

/** JSON given inline or as `@file`. */
function jsonArg(v: string): CborMap {
  return argsFromJson(v.startsWith('@') ? readFileSync(v.slice(1), 'utf8') : v);
}

/** A `<program> <amount>` command calling `method`. */
function amountCommand(points: Command, name: string, method: string, what: string): void {
  common(points.command(`${name} <program> <amount>`).description(what)).action(
    action(async (program: string, amount: string, o: Common) =>
      send(o, method, { program, amount: int(amount) }),
    ),
  );
}

/** `gongzhi points …`: programmes, roles, members, sponsors, awards, spending, exchange, settlement. */
export function registerPoints(program: Command): void {
  const points = program
    .command('points')
    .description('Shandu points: programmes, members, awards, redemptions, sponsors, settlement');

  // ---- reading (no key) ----
  common(points.command('programs').description('every programme')).action(
    action(async (o: Common) => query(o, 'programs', {})),
  );
  common(
    points.command('show <program>').description('a programme with its totals and period report'),
  ).action(
    action(async (id: string, o: Common) => {
      const ctx = await clientContext(o);
      const q = (n: string) => ctx.client.query(ctx.group, 'points', n, { program: id });
      printJson({ program: await q('program'), totals: await q('totals'), report: await q('report') });
    }),
  );
  common(
    points.command('balance <program> <account>').description('a member’s balance, lots and debt'),
  ).action(
    action(async (p: string, account: string, o: Common) => query(o, 'account', { program: p, account })),
  );
  common(points.command('roles <program> <account>').description('the roles an account holds')).action(
    action(async (p: string, account: string, o: Common) => query(o, 'roles', { program: p, account })),
  );
  common(points.command('journal <program>').description('every posting set (each sums to zero)')).action(
    action(async (p: string, o: Common) => query(o, 'journal', { program: p })),
  );
  common(points.command('items <program>').description('the redemption catalogue')).action(
    action(async (p: string, o: Common) => query(o, 'items', { program: p })),
  );
  common(
    points.command('period <currency> <clearing> <n>').description('a closed settlement period of a book'),
  ).action(
    action(async (currency: string, clearing: string, n: string, o: Common) =>
      query(o, 'period', { currency, clearing, period: n }),
    ),
  );

  // ---- programme and governance ----
  common(
    points
      .command('create <json>')
      .description('issuer: propose a programme (createProgram arguments as JSON, or @file)'),
  ).action(action(async (json: string, o: Common) => send(o, 'createProgram', jsonArg(json))));
  common(points.command('approve <program>').description('supervisor: approve a pending programme')).action(
    action(async (p: string, o: Common) => send(o, 'approveProgram', { program: p })),
  );
  common(
    points
      .command('propose-methodology <program> <json>')
      .description('issuer: propose the next methodology version (JSON or @file)'),
  ).action(
    action(async (p: string, json: string, o: Common) =>
      send(o, 'proposeMethodology', { program: p, methodology: jsonArg(json) }),
    ),
  );
  common(
    points
      .command('approve-methodology <program> <version>')
      .description('supervisor: approve a methodology version (applies from now on)'),
  ).action(
    action(async (p: string, v: string, o: Common) =>
      send(o, 'approveMethodology', { program: p, version: int(v) }),
    ),
  );
  for (const verb of ['grant', 'revoke'] as const) {
    common(
      points
        .command(`${verb} <program> <role> <account>`)
        .description(
          `${verb} distributor|sponsor|platform (issuer) or supervisor (a supervisors’ majority vote)`,
        ),
    ).action(
      action(async (p: string, role: string, account: string, o: Common) =>
        send(o, verb === 'grant' ? 'grantRole' : 'revokeRole', { program: p, role, account }),
      ),
    );
  }
  for (const verb of ['freeze', 'unfreeze'] as const) {
    common(
      points
        .command(`${verb} <program>`)
        .description(`supervisor: ${verb} the programme, or one account in it`)
        .requiredOption('--reason <text>', 'the public reason')
        .option('--account <address>', 'the account (absent: the whole programme)'),
    ).action(
      action(async (p: string, o: Common & { reason: string; account?: string }) =>
        send(o, verb, {
          program: p,
          reason: o.reason,
          ...(o.account === undefined ? {} : { account: o.account }),
        }),
      ),
    );
  }

  // ---- members ----
  common(
    points
      .command('join <program>')
      .description('join voluntarily, recording the digest of the consent given')
      .requiredOption('--consent <file|hex|text>', 'the consent document (only its digest is recorded)'),
  ).action(
    action(async (p: string, o: Common & { consent: string }) =>
      send(o, 'join', { program: p, consent: await digestOf(o, o.consent) }),
    ),
  );
  common(
    points.command('leave <program>').description('leave (withdraw consent) once nothing is left'),
  ).action(action(async (p: string, o: Common) => send(o, 'leave', { program: p })));

  // ---- sponsors' money (the clearing provider confirms) and quota (the sponsor consents) ----
  amountCommand(points, 'fund', 'fund', 'sponsor: ask to fund its pool (minor units); the bank confirms');
  amountCommand(points, 'withdraw', 'withdraw', 'sponsor (or former): ask to withdraw unreserved funds');
  for (const [name, method] of [
    ['confirm-funding', 'confirmFunding'],
    ['confirm-withdrawal', 'confirmWithdrawal'],
  ] as const) {
    common(
      points
        .command(`${name} <program> <sponsor> <amount>`)
        .description(`clearing provider: ${name.replace('-', ' ')} of a sponsor`),
    ).action(
      action(async (p: string, sponsor: string, amount: string, o: Common) =>
        send(o, method, { program: p, sponsor, amount: int(amount) }),
      ),
    );
  }
  common(
    points
      .command('consent-quota <program> <distributor> <amount>')
      .description('sponsor: consent that up to this much quota is backed by its pool'),
  ).action(
    action(async (p: string, distributor: string, amount: string, o: Common) =>
      send(o, 'consentQuota', { program: p, distributor, amount: int(amount) }),
    ),
  );
  common(
    points
      .command('allot <program> <distributor> <amount>')
      .description('issuer: issue quota to a distributor (within the sponsor’s consent)')
      .option('--sponsor <address>', 'the sponsor whose pool backs it (programmes with money)'),
  ).action(
    action(async (p: string, distributor: string, amount: string, o: Common & { sponsor?: string }) =>
      send(o, 'allotQuota', {
        program: p,
        distributor,
        amount: int(amount),
        ...(o.sponsor === undefined ? {} : { sponsor: o.sponsor }),
      }),
    ),
  );

  // ---- awards ----
  common(
    points
      .command('claim <program>')
      .description('distributor: award a member for a measured activity')
      .requiredOption('--user <address>', 'the member')
      .requiredOption('--kind <kind>', 'activity kind of the methodology')
      .option('--variant <id>', 'variant (default "default")')
      .requiredOption('--quantity <n>', 'quantity in the rule’s unit')
      .requiredOption('--from <ms>', 'period start (ms)')
      .requiredOption('--to <ms>', 'period end (ms)')
      .requiredOption('--device <file|hex|text>', 'the device / card id (only its digest is recorded)')
      .requiredOption('--evidence <file|hex|text>', 'the evidence (only its digest is recorded)')
      .requiredOption('--measured-by <source>', 'device model / data source')
      .option('--sponsor <address>', 'award only from this sponsor’s quota'),
  ).action(
    action(async (p: string, o: Common & Record<string, string | undefined>) => {
      const req = (k: string) => {
        const v = o[k];
        if (v === undefined) throw new GongzhiError('CONFIG_INVALID', `--${k} is required`);
        return v;
      };
      await send(o, 'claim', {
        program: p,
        user: req('user'),
        kind: req('kind'),
        ...(o.variant === undefined ? {} : { variant: o.variant }),
        quantity: int(req('quantity')),
        periodStart: int(req('from')),
        periodEnd: int(req('to')),
        device: await digestOf(o, req('device')),
        evidence: await digestOf(o, req('evidence')),
        measuredBy: req('measuredBy'),
        ...(o.sponsor === undefined ? {} : { sponsor: o.sponsor }),
      });
    }),
  );

  // ---- spending ----
  common(points.command('transfer <program> <to> <amount>').description('move points to a member')).action(
    action(async (p: string, to: string, amount: string, o: Common) =>
      send(o, 'transfer', { program: p, to, amount: int(amount) }),
    ),
  );
  common(
    points
      .command('list-item <program> <item>')
      .description('platform: list, re-price or restock a catalogue item')
      .requiredOption('--name <text>', 'what it is')
      .requiredOption('--price <points>', 'price in points (minor units)')
      .option('--stock <n>', 'stock (absent: unlimited)'),
  ).action(
    action(async (p: string, item: string, o: Common & { name: string; price: string; stock?: string }) =>
      send(o, 'listItem', {
        program: p,
        item,
        name: o.name,
        price: int(o.price),
        ...(o.stock === undefined ? {} : { stock: int(o.stock) }),
      }),
    ),
  );
  common(
    points
      .command('redeem <program> <platform> <item>')
      .description('member: redeem an item at the price seen (refused if it changed)')
      .option('--price <points>', 'the unit price seen')
      .option('--max-points <points>', 'the most points to pay in all')
      .option('--quantity <n>', 'how many (default 1)'),
  ).action(
    action(
      async (
        p: string,
        platform: string,
        item: string,
        o: Common & { price?: string; maxPoints?: string; quantity?: string },
      ) =>
        send(o, 'redeem', {
          program: p,
          platform,
          item,
          ...(o.price === undefined ? {} : { price: int(o.price) }),
          ...(o.maxPoints === undefined ? {} : { maxPoints: int(o.maxPoints) }),
          ...(o.quantity === undefined ? {} : { quantity: int(o.quantity) }),
        }),
    ),
  );
  common(points.command('donate <program> <cause> <amount>').description('member: donate to a cause')).action(
    action(async (p: string, cause: string, amount: string, o: Common) =>
      send(o, 'donate', { program: p, cause, amount: int(amount) }),
    ),
  );

  // ---- exchange and settlement ----
  common(
    points
      .command('convert <agreement> <from> <amount>')
      .description('member of both: convert points under an exchange agreement'),
  ).action(
    action(async (agreement: string, from: string, amount: string, o: Common) =>
      send(o, 'convert', { agreement, from, amount: int(amount) }),
    ),
  );
  common(
    points.command('close-period <currency>').description('clearing provider: close the open period'),
  ).action(action(async (currency: string, o: Common) => send(o, 'closePeriod', { currency })));
  common(
    points.command('sign-statement <digest>').description('a party signs a settlement statement'),
  ).action(
    action(async (d: string, o: Common) => send(o, 'signStatement', { digest: await digestOf(o, d) })),
  );
  registerPointsRound2(points);
  registerPointsOversight(points);
  common(
    points
      .command('call <method> <json>')
      .description('any other points method (arguments as JSON, or @file; bytes as 0x-hex)'),
  ).action(action(async (method: string, json: string, o: Common) => send(o, method, jsonArg(json))));
}
