import type { Command } from 'commander';
import { action, int, printJson } from '../util.js';
import { type Common, common, digestOf, query, send } from './points-round2.js';

/**
 * `gongzhi points …` commands of issue 17's item 14: disputes of awards (open, decide — an upheld
 * one claws the points back), the breakage schedule, and areas with the report by area. The
 * complaint and report documents stay with their owners: only their digests are sent.
 */

const opt = (name: string, v: string | undefined): Record<string, string> =>
  v === undefined ? {} : { [name]: v };

function registerDisputes(points: Command): void {
  const dispute = points
    .command('dispute')
    .description('disputes of awards, decided by a supervisor or verifier');
  common(
    dispute
      .command('open <program> <claim>')
      .description('member, supervisor or verifier: dispute an award (claim id, hex); an auditor’s holds it')
      .requiredOption('--reason <file|hex|text>', 'the complaint (digest only)'),
  ).action(
    action(async (p: string, claim: string, o: Common & { reason: string }) =>
      send(o, 'openDispute', {
        program: p,
        claim: await digestOf(o, claim),
        reason: await digestOf(o, o.reason),
      }),
    ),
  );
  common(
    dispute
      .command('decide <program> <n>')
      .description('supervisor or verifier: uphold (claw back) or reject a dispute')
      .requiredOption('--outcome <upheld|rejected>', 'the decision')
      .requiredOption('--report <file|hex|text>', 'the auditor’s report (digest only)')
      .option('--points <n>', 'upheld in part: the points to claw back (default all)'),
  ).action(
    action(async (p: string, n: string, o: Common & { outcome: string; report: string; points?: string }) =>
      send(o, 'decideDispute', {
        program: p,
        dispute: int(n),
        outcome: o.outcome,
        report: await digestOf(o, o.report),
        ...(o.points === undefined ? {} : { points: int(o.points) }),
      }),
    ),
  );
  common(dispute.command('show <program> <n>').description('a dispute with its decision')).action(
    action(async (p: string, n: string, o: Common) =>
      printJson(await query(o, 'dispute', { program: p, n })),
    ),
  );
  common(
    dispute
      .command('list <program>')
      .description('the disputes of a program')
      .option('--from <n>', 'first dispute number (default 1)')
      .option('--limit <n>', 'how many (default 100)'),
  ).action(
    action(async (p: string, o: Common & { from?: string; limit?: string }) =>
      printJson(await query(o, 'disputes', { program: p, ...opt('from', o.from), ...opt('limit', o.limit) })),
    ),
  );
}

function registerBreakage(points: Command): void {
  const breakage = points.command('breakage').description('what becomes of expired points');
  common(
    breakage
      .command('set <program> <policy>')
      .description('issuer: policy sponsor | cause | scheme for points issued from --from-height on')
      .requiredOption('--from-height <n>', 'first issue height it applies to (after the next block)')
      .option('--cause <id>', 'the cause (policy cause)'),
  ).action(
    action(async (p: string, policy: string, o: Common & { fromHeight: string; cause?: string }) =>
      send(o, 'setBreakage', {
        program: p,
        policy,
        fromHeight: int(o.fromHeight),
        ...(o.cause === undefined ? {} : { cause: o.cause }),
      }),
    ),
  );
  common(
    breakage
      .command('show <program>')
      .description('the schedule and a period’s breakage by destination')
      .option('--period <n>', 'period (default: the open one)'),
  ).action(
    action(async (p: string, o: Common & { period?: string }) =>
      printJson(await query(o, 'breakage', { program: p, ...opt('period', o.period) })),
    ),
  );
}

function registerAreas(points: Command): void {
  const area = points.command('area').description('report areas: communities and streets');
  common(
    area
      .command('define <program> <area>')
      .description('issuer: define an area (a community with --street, or a street)')
      .option('--street <id>', 'the street (街道) of the community')
      .option('--worker <address>', 'the community worker who confirms its residents'),
  ).action(
    action(async (p: string, id: string, o: Common & { street?: string; worker?: string }) =>
      send(o, 'defineArea', {
        program: p,
        area: id,
        ...(o.street === undefined ? {} : { street: o.street }),
        ...(o.worker === undefined ? {} : { worker: o.worker }),
      }),
    ),
  );
  common(
    area
      .command('set <program> [area]')
      .description('member: ask for your community (pending until confirmed); none: withdraw / leave'),
  ).action(
    action(async (p: string, id: string | undefined, o: Common) =>
      send(o, 'setArea', { program: p, ...(id === undefined ? {} : { area: id }) }),
    ),
  );
  common(
    area
      .command('confirm <program> <account> <area>')
      .description('issuer or the area’s worker: set / confirm a member’s area (recorded as a move)'),
  ).action(
    action(async (p: string, account: string, id: string, o: Common) =>
      send(o, 'confirmArea', { program: p, account, area: id }),
    ),
  );
  common(
    area
      .command('worker <program> <area> [worker]')
      .description(
        'issuer: change the area’s community worker (none: remove it); the old one loses confirm rights',
      ),
  ).action(
    action(async (p: string, id: string, worker: string | undefined, o: Common) =>
      send(o, 'setAreaWorker', { program: p, area: id, ...(worker === undefined ? {} : { worker }) }),
    ),
  );
  common(
    area
      .command('member <program> <account>')
      .description('a member’s confirmed area, pending request, moves'),
  ).action(
    action(async (p: string, account: string, o: Common) =>
      printJson(await query(o, 'memberArea', { program: p, account })),
    ),
  );
  common(
    area
      .command('report <program>')
      .description('a period’s figures by community and street: awarded, redeemed, expired, clawed back, kg')
      .option('--period <n>', 'period (default: the open one)'),
  ).action(
    action(async (p: string, o: Common & { period?: string }) =>
      printJson(await query(o, 'areas', { program: p, ...opt('period', o.period) })),
    ),
  );
  common(
    area
      .command('unconfirmed <program>')
      .description('members whose area is self-declared (set before confirmation): to re-confirm')
      .option('--offset <n>', 'first member (default 0)')
      .option('--limit <n>', 'members scanned (default 100)'),
  ).action(
    action(async (p: string, o: Common & { offset?: string; limit?: string }) =>
      printJson(
        await query(o, 'unconfirmedAreas', {
          program: p,
          ...opt('offset', o.offset),
          ...opt('limit', o.limit),
        }),
      ),
    ),
  );
}

export function registerPointsOversight(points: Command): void {
  registerDisputes(points);
  registerBreakage(points);
  registerAreas(points);
}
