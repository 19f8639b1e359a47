import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fromHex, toHex, utf8 } from '../../encoding/index.js';
import type { CborMap } from '../../ledger/index.js';
import { readMessage } from '../../modules/points/index.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, int, printJson } from '../util.js';

/**
 * `gongzhi points …` commands of round 2 (issue 17): the device registry, validation and
 * verification with serial-numbered units, inter-bank statements, consent records and signed
 * balance reads.
 */

export interface Common {
  group?: string;
  url: string;
  key?: string;
  password?: string;
}

export const common = (c: Command) =>
  c
    .option('--group <id>', 'group')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .option('--key <file>', 'keystore of the signing account')
    .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');

export async function send(o: Common, method: string, args: CborMap): Promise<void> {
  printJson(await (await clientContext(o)).send('points', method, args));
}

export async function query(o: Common, name: string, args: Record<string, string>): Promise<unknown> {
  const ctx = await clientContext(o);
  return ctx.client.query(ctx.group, 'points', name, args);
}

/** 64 hex digits as given, else the chain suite's digest of a file's bytes or of the text itself. */
export async function digestOf(o: Common, v: string): Promise<Uint8Array> {
  const hex = v.replace(/^0x/, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return fromHex(hex.toLowerCase());
  const { suite } = await clientContext(o);
  return suite.hash(existsSync(v) ? readFileSync(v) : utf8(v));
}

function registerDevices(points: Command): void {
  const device = points
    .command('device')
    .description('the shared device registry (one reduction, one award)');
  common(
    device
      .command('register <program> <device>')
      .description('distributor: register a device for an asset (--member: personal, else a shared camera)')
      .requiredOption(
        '--asset <file|hex|text>',
        'the asset: plate, VIN, meter no. or camera site (digest only)',
      )
      .requiredOption('--measured-by <source>', 'device model / data source')
      .option('--member <address>', 'the member a personal device measures (she binds it)'),
  ).action(
    action(async (p: string, d: string, o: Common & { asset: string; measuredBy: string; member?: string }) =>
      send(o, 'registerDevice', {
        program: p,
        device: await digestOf(o, d),
        asset: await digestOf(o, o.asset),
        measuredBy: o.measuredBy,
        ...(o.member === undefined ? {} : { member: o.member }),
      }),
    ),
  );
  common(
    device
      .command('bind <device>')
      .description('member: bind a personal device registered for you (your consent)')
      .requiredOption('--consent <file|hex|text>', 'the consent document (digest only)'),
  ).action(
    action(async (d: string, o: Common & { consent: string }) =>
      send(o, 'bindDevice', { device: await digestOf(o, d), consent: await digestOf(o, o.consent) }),
    ),
  );
  common(device.command('release <device>').description('member or operator: release a device')).action(
    action(async (d: string, o: Common) => send(o, 'releaseDevice', { device: await digestOf(o, d) })),
  );
  common(
    device
      .command('anomalies <program>')
      .description(
        'devices (registered or not) whose claims of a period exceed a per-day cap or reuse evidence',
      )
      .option('--period <n>', 'period (default: the open one)')
      .option('--max-per-day <n>', 'claims per device per local day before it is anomalous (default 24)')
      .option('--all', 'list every device, anomalous or not')
      .option('--offset <n>', 'first device (default 0)')
      .option('--limit <n>', 'devices scanned (default 100)'),
  ).action(
    action(
      async (
        p: string,
        o: Common & { period?: string; maxPerDay?: string; all?: boolean; offset?: string; limit?: string },
      ) =>
        printJson(
          await query(o, 'deviceAnomalies', {
            program: p,
            ...(o.period === undefined ? {} : { period: o.period }),
            ...(o.maxPerDay === undefined ? {} : { maxPerDay: o.maxPerDay }),
            ...(o.all === true ? { all: 'true' } : {}),
            ...(o.offset === undefined ? {} : { offset: o.offset }),
            ...(o.limit === undefined ? {} : { limit: o.limit }),
          }),
        ),
    ),
  );
  common(device.command('show <device>').description('a device of the registry')).action(
    action(async (d: string, o: Common) =>
      printJson(await query(o, 'device', { device: toHex(await digestOf(o, d)) })),
    ),
  );
}

function registerVerification(points: Command): void {
  common(
    points
      .command('validate <program> <version>')
      .description('verifier: record a validation opinion on a methodology version')
      .requiredOption('--opinion <positive|negative>', 'the opinion')
      .requiredOption('--report <file|hex|text>', 'the validation report (digest only)'),
  ).action(
    action(async (p: string, v: string, o: Common & { opinion: string; report: string }) =>
      send(o, 'validateMethodology', {
        program: p,
        version: int(v),
        opinion: o.opinion,
        report: await digestOf(o, o.report),
      }),
    ),
  );
  common(
    points
      .command('verify <program> <period> <version>')
      .description('verifier: verify a closed period’s reductions, issuing serial-numbered units (1 kg each)')
      .requiredOption('--grams <g>', 'g CO2e confirmed (≤ what the claims measured)')
      .requiredOption('--report <file|hex|text>', 'the verification report (digest only)'),
  ).action(
    action(async (p: string, n: string, v: string, o: Common & { grams: string; report: string }) =>
      send(o, 'verifyReductions', {
        program: p,
        period: int(n),
        version: int(v),
        verifiedG: int(o.grams),
        report: await digestOf(o, o.report),
      }),
    ),
  );
  common(
    points.command('units <program>').description('verified units: serial ranges, uses (the export)'),
  ).action(action(async (p: string, o: Common) => printJson(await query(o, 'units', { program: p }))));
  common(
    points
      .command('use-units <program> <period> <version> <action> <count>')
      .description('issuer: retire|export|cancel the next units (a supervisor may cancel)')
      .option('--party <text>', 'retire: the beneficiary; export: the receiving registry')
      .option('--note <text>', 'retire: purpose; export: the registry’s reference; cancel: reason'),
  ).action(
    action(
      async (
        p: string,
        n: string,
        v: string,
        act: string,
        count: string,
        o: Common & { party?: string; note?: string },
      ) =>
        send(o, 'useUnits', {
          program: p,
          period: int(n),
          version: int(v),
          action: act,
          count: int(count),
          ...(o.party === undefined ? {} : { party: o.party }),
          ...(o.note === undefined ? {} : { note: o.note }),
        }),
    ),
  );
}

function registerInterbank(points: Command): void {
  common(
    points
      .command('settle-exchange <agreement>')
      .description('issuer: draw up the next inter-bank statement'),
  ).action(action(async (x: string, o: Common) => send(o, 'settleExchange', { agreement: x })));
  common(
    points
      .command('exchange-statement <agreement> [n]')
      .description('an inter-bank statement (default latest)'),
  ).action(
    action(async (x: string, n: string | undefined, o: Common) =>
      printJson(await query(o, 'exchangeStatement', { agreement: x, ...(n === undefined ? {} : { n }) })),
    ),
  );
  for (const verb of ['sign', 'dispute'] as const) {
    const c = points
      .command(`${verb}-exchange <agreement> <n>`)
      .description(`the other issuer: ${verb} an inter-bank statement (its digest is fetched and shown)`);
    if (verb === 'dispute') c.requiredOption('--reason <text>', 'why');
    common(c).action(
      action(async (x: string, n: string, o: Common & { reason?: string }) => {
        const s = (await query(o, 'exchangeStatement', { agreement: x, n })) as { digest: string };
        await send(o, verb === 'sign' ? 'signExchangeStatement' : 'disputeExchangeStatement', {
          agreement: x,
          n: int(n),
          digest: fromHex(s.digest),
          ...(o.reason === undefined ? {} : { reason: o.reason }),
        });
      }),
    );
  }
}

function registerConsent(points: Command): void {
  const consent = points
    .command('consent')
    .description('data authorisations of distributors (PIPL consent records)');
  common(
    consent
      .command('give <program> <distributor>')
      .description('member: authorise a distributor for the activity kinds named')
      .requiredOption('--kinds <list>', 'comma-separated activity kinds')
      .requiredOption('--purpose <text>', 'what the data is for')
      .requiredOption('--source <text>', 'where the data comes from')
      .requiredOption('--text <file|hex|text>', 'the consent text agreed to (digest only)')
      .option('--text-version <n>', 'version of the consent text', '1'),
  ).action(
    action(
      async (
        p: string,
        distributor: string,
        o: Common & { kinds: string; purpose: string; source: string; text: string; textVersion: string },
      ) =>
        send(o, 'giveConsent', {
          program: p,
          distributor,
          kinds: o.kinds.split(',').map((k) => k.trim()),
          purpose: o.purpose,
          source: o.source,
          version: int(o.textVersion),
          text: await digestOf(o, o.text),
        }),
    ),
  );
  common(consent.command('withdraw <program> <distributor>').description('member: withdraw it')).action(
    action(async (p: string, distributor: string, o: Common) =>
      send(o, 'withdrawConsent', { program: p, distributor }),
    ),
  );
  common(consent.command('list <program> <account>').description('a member’s consent records')).action(
    action(async (p: string, account: string, o: Common) =>
      printJson(await query(o, 'consents', { program: p, account })),
    ),
  );
  common(
    points
      .command('my-balance <program> [account]')
      .description('a signed read of holdings (the member, issuer, clearing provider or a supervisor)'),
  ).action(
    action(async (p: string, account: string | undefined, o: Common) => {
      const ctx = await clientContext(o);
      const k = await ctx.signer();
      const head = await ctx.client.block(ctx.group, 'latest');
      const reader = ctx.suite.address(k.publicKey);
      const who = account ?? reader;
      const sig = ctx.suite.sign(k.secretKey, readMessage(ctx.group, p, who, head.height));
      printJson(
        await ctx.client.query(ctx.group, 'points', 'signedAccount', {
          program: p,
          account: who,
          reader: toHex(k.publicKey),
          height: String(head.height),
          sig: toHex(sig),
        }),
      );
    }),
  );
}

function registerSupervision(points: Command): void {
  common(
    points
      .command('supervision <program>')
      .description(
        'supervision report: reductions by methodology, activity by kind and distributor, anomalies',
      )
      .option('--period <n>', 'period (default: the open one)'),
  ).action(
    action(async (p: string, o: Common & { period?: string }) =>
      printJson(
        await query(o, 'supervision', {
          program: p,
          ...(o.period === undefined ? {} : { period: o.period }),
        }),
      ),
    ),
  );
  common(
    points
      .command('expiring <program> <within>')
      .description('members whose points expire within <within> blocks or ms (the notice list)')
      .option('--offset <n>', 'first member (default 0)')
      .option('--limit <n>', 'members scanned (default 100)'),
  ).action(
    action(async (p: string, within: string, o: Common & { offset?: string; limit?: string }) =>
      printJson(
        await query(o, 'expiring', {
          program: p,
          within,
          ...(o.offset === undefined ? {} : { offset: o.offset }),
          ...(o.limit === undefined ? {} : { limit: o.limit }),
        }),
      ),
    ),
  );
}

export function registerPointsRound2(points: Command): void {
  registerSupervision(points);
  registerDevices(points);
  registerVerification(points);
  registerInterbank(points);
  registerConsent(points);
}
