import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import { badShares, type ElectionRecord, revealArgs } from '../../modules/voting/index.js';
import { action, int, printJson } from '../util.js';

interface Common {
  group: string;
  url: string;
  key?: string;
  password?: string;
}
type Send = (o: Common, method: string, args: CborMap) => Promise<void>;
type Record = (o: Common, id: string) => Promise<ElectionRecord>;

function seedOfFile(path: string): Uint8Array {
  const v = JSON.parse(readFileSync(path, 'utf8')) as { seed?: unknown };
  if (typeof v.seed !== 'string' || !/^[0-9a-f]{64}$/.test(v.seed)) {
    throw new GongzhiError('CONFIG_INVALID', `${path} holds no 32-byte seed`);
  }
  return fromHex(v.seed);
}

/**
 * The key generation's complaint round: `vote trustee check | complain | reveal | disqualify`
 * (docs/voting.md). Between round 2 and `vote open`.
 */
export function registerVoteComplaints(
  trustee: Command,
  common: (c: Command) => Command,
  record: Record,
  send: Send,
): void {
  common(
    trustee
      .command('check <id>')
      .description('open the shares sent to this trustee; print the trustees whose share is bad')
      .requiredOption('--seed <file>', 'the trustee’s seed file')
      .requiredOption('--index <j>', 'this trustee’s index', int),
  ).action(
    action(async (id: string, o: Common & { seed: string; index: number }) => {
      const rec = await record(o, id);
      const bad = badShares(rec.election, o.index, rec.trustees, seedOfFile(o.seed));
      printJson({ trustee: o.index, bad, complain: bad.length > 0 });
    }),
  );
  common(
    trustee
      .command('complain <id>')
      .description('complain that trustee <j>’s share to you does not match its commitments')
      .requiredOption('--against <j>', 'the accused trustee’s index', int),
  ).action(
    action(async (id: string, o: Common & { against: number }) =>
      send(o, 'trusteeComplain', { election: id, against: o.against }),
    ),
  );
  common(
    trustee
      .command('reveal <id>')
      .description('answer a complaint: reveal your share for the complainer in the clear')
      .requiredOption('--complainer <j>', 'the complaining trustee’s index', int)
      .requiredOption('--seed <file>', 'your seed file'),
  ).action(
    action(async (id: string, o: Common & { complainer: number; seed: string }) => {
      const rec = await record(o, id);
      await send(o, 'trusteeReveal', revealArgs(rec.election, o.complainer, seedOfFile(o.seed)));
    }),
  );
  common(
    trustee
      .command('disqualify <id>')
      .description('registrar: disqualify a trustee that left a complaint unanswered')
      .requiredOption('--trustee <j>', 'the accused trustee’s index', int),
  ).action(
    action(async (id: string, o: Common & { trustee: number }) =>
      send(o, 'trusteeDisqualify', { election: id, trustee: o.trustee }),
    ),
  );
}
