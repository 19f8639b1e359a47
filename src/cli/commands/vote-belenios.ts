import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import {
  type BelRecordView,
  type BelTrusteesView,
  beleniosCastArgs,
  beleniosCredential,
  beleniosDecryptArgs,
  beleniosResult,
  beleniosTrusteeArgs,
  readBelRecordView,
  readBelTrusteesView,
  withEveryBallot,
} from '../../modules/voting/index.js';
import {
  BeleniosError,
  exportArchive,
  makeCredentialString,
  readArchive,
  secureRand,
  verifyRecord,
} from '../../voting-crypto/belenios/index.js';
import { clientContext } from '../client-context.js';
import { action, int, printJson } from '../util.js';
import { acceptedBelBallots } from './vote-history.js';

interface Common {
  group: string;
  url: string;
  key?: string;
  password?: string;
}
type Send = (o: Common, method: string, args: CborMap) => Promise<void>;

const randomDigit = (): number => Number(secureRand() % 58n);

function secretFile(path: string, value: Record<string, string>, force = false): void {
  if (existsSync(path) && !force) {
    throw new GongzhiError('FILE_EXISTS', `${path} exists; not overwriting a secret`, { path });
  }
  writeFileSync(path, `${JSON.stringify(value, null, 1)}\n`, { mode: 0o600 });
}
function readSecret(path: string, field: string): string {
  const v = (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)[field];
  if (typeof v !== 'string') throw new GongzhiError('CONFIG_INVALID', `${path} has no ${field}`);
  return v;
}

/** `"1,0,1;0,1"` → [[1,0,1],[0,1]]. */
const parseChoices = (s: string): number[][] =>
  s
    .split(';')
    .map((q) => q.split(',').map((x) => (x.trim() === '1' ? 1 : x.trim() === '0' ? 0 : Number.NaN)));

/**
 * `gongzhi vote belenios …`: elections in Belenios 2.0's group (`vote create --vote-group
 * BELENIOS-2048`): credentials, ballots, trustees, tally, the `.bel` export and its verification.
 */
export function registerVoteBelenios(vote: Command, common: (c: Command) => Command, send: Send): void {
  const bel = vote
    .command('belenios')
    .description('BELENIOS-2048 elections: Belenios 2.0 ballots, trustees, .bel export');
  const q = async (o: Common, name: string, id: string) =>
    (await clientContext(o)).client.query(o.group, 'voting', name, { election: id });
  const view = async (o: Common, id: string): Promise<BelTrusteesView> =>
    readBelTrusteesView(await q(o, 'beleniosTrustees', id));
  const rec = async (o: Common, id: string): Promise<BelRecordView> =>
    readBelRecordView(await q(o, 'belenios', id));

  common(
    bel
      .command('credential <id> <file>')
      .description('make a Belenios credential for election <id> (kept in <file>); prints g^s to enrol'),
  ).action(
    action(async (id: string, file: string, o: Common) => {
      const { uuid } = await view(o, id);
      const credential = makeCredentialString(randomDigit);
      const publicKey = toHex(beleniosCredential(uuid, credential).publicKey);
      secretFile(file, { election: id, uuid, credential, publicKey });
      printJson({ publicKey });
    }),
  );

  common(
    bel
      .command('cast <id>')
      .description('cast a Belenios ballot: --choices "1,0,0;0,1" (0/1 per answer, ; between questions)')
      .requiredOption('--credential <file>', 'the file from `vote belenios credential`')
      .requiredOption('--choices <sel>', 'choices'),
  ).action(
    action(async (id: string, o: Common & { credential: string; choices: string }) => {
      const r = await rec(o, id);
      await send(
        o,
        'beleniosCast',
        beleniosCastArgs(
          id,
          r.election,
          readSecret(o.credential, 'credential'),
          parseChoices(o.choices),
          secureRand,
        ),
      );
    }),
  );

  common(
    bel
      .command('trustee <id>')
      .description(
        'post this trustee’s next key-generation round (cert, poly, vkey) or, once closed, its decryption',
      )
      .requiredOption('--seed <file>', 'the trustee’s secret (created at the first round)')
      .requiredOption('--index <j>', 'this trustee’s index (1-based, as listed at create)', int),
  ).action(
    action(async (id: string, o: Common & { seed: string; index: number }) => {
      const v = await view(o, id);
      const mine = v.trustees[o.index - 1];
      if (mine === undefined) throw new GongzhiError('CONFIG_INVALID', `no trustee ${o.index}`);
      if (mine.cert === undefined)
        secretFile(o.seed, { election: id, seed: randomBytes(32).toString('hex') });
      const seed = readSecret(o.seed, 'seed');
      const got = (await q(o, 'get', id)) as { election: { phase: string } };
      if (got.election.phase === 'closed') {
        await send(
          o,
          'beleniosDecrypt',
          beleniosDecryptArgs(id, await rec(o, id), v, o.index, seed, secureRand),
        );
        return;
      }
      const step = mine.cert === undefined ? 'cert' : mine.coefexps === undefined ? 'poly' : 'vkey';
      await send(o, 'beleniosTrustee', beleniosTrusteeArgs(id, v, o.index, step, seed, secureRand));
    }),
  );

  common(
    bel.command('tally <id>').description('compute the result from the trustees’ decryptions and publish it'),
  ).action(
    action(async (id: string, o: Common) => {
      const r = beleniosResult(await rec(o, id), await view(o, id));
      await send(o, 'beleniosTally', { election: id, plain: r.plain, weighted: r.weighted });
    }),
  );

  const exporter = (c: Command) =>
    common(
      c
        .requiredOption('--out <file>', 'the .bel archive to write')
        .option('--force', 'overwrite <file>')
        .option('--last-only', 'only the ballot each credential counts (no superseded ballots)'),
    ).action(
      action(
        async (
          id: string,
          o: Common & { out: string; force?: boolean; format?: string; lastOnly?: boolean },
        ) => {
          if (o.format !== undefined && o.format !== 'belenios') {
            throw new GongzhiError('CONFIG_INVALID', 'only --format belenios is supported');
          }
          if (existsSync(o.out) && o.force !== true)
            throw new GongzhiError('FILE_EXISTS', `${o.out} exists`, { path: o.out });
          const counted = await rec(o, id);
          const r =
            o.lastOnly === true
              ? counted
              : withEveryBallot(
                  counted,
                  await acceptedBelBallots((await clientContext(o)).client, o.group, id),
                );
          // Belenios' header wants a start time; ours is the ledger's, so the archive stays reproducible.
          const bytes = exportArchive({ timestamp: 0, ...r });
          writeFileSync(o.out, bytes);
          printJson({
            out: o.out,
            bytes: bytes.length,
            ballots: r.ballots.length,
            superseded: r.ballots.length - counted.ballots.length,
            tallied: r.result !== undefined,
          });
        },
      ),
    );
  exporter(
    bel
      .command('export <id>')
      .description('write the election as a Belenios 2.0 archive (belenios-tool election verify)'),
  );
  exporter(
    vote
      .command('export <id>')
      .description('export an election for an independent verifier (--format belenios: a .bel archive)')
      .option('--format <f>', 'belenios', 'belenios'),
  );

  bel
    .command('verify <archive>')
    .description('verify a Belenios 2.0 archive (.bel) offline with our verifier: exit 1 unless it passes')
    .action(
      action((file: string) => {
        try {
          const out = verifyRecord(readArchive(new Uint8Array(readFileSync(file))));
          printJson({ valid: true, ...out });
        } catch (e) {
          if (!(e instanceof BeleniosError)) throw e;
          printJson({ valid: false, reason: e.reason, error: e.message });
          process.exitCode = 1;
        }
      }),
    );
}
