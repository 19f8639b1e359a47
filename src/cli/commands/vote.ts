import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type CborMap, formatVerification } from '../../ledger/index.js';
import {
  castArgs,
  computeResult,
  credential,
  decryptArgs,
  type ElectionRecord,
  recordFromJson,
  trusteeKeyArgs,
  trusteeSharesArgs,
  verifyElectionRecord,
  voteArgs,
} from '../../modules/voting/index.js';
import { clientContext } from '../client-context.js';
import { action, DEFAULT_URL, int, printJson } from '../util.js';
import { registerVoteBelenios } from './vote-belenios.js';
import { registerVoteComplaints } from './vote-dkg.js';

interface Common {
  group: string;
  url: string;
  key?: string;
  password?: string;
}

/** A secret file holding a 32-byte seed as hex (`{"seed": …}`), made by `vote credential` or `trustee keygen`. */
function readSeed(path: string): Uint8Array {
  const v = JSON.parse(readFileSync(path, 'utf8')) as { seed?: unknown };
  if (typeof v.seed !== 'string' || !/^[0-9a-f]{64}$/.test(v.seed)) {
    throw new GongzhiError('CONFIG_INVALID', `${path} holds no 32-byte seed`);
  }
  return fromHex(v.seed);
}

function newSeedFile(path: string, extra: Record<string, string>): Uint8Array {
  const seed = new Uint8Array(randomBytes(32));
  writeFileSync(path, `${JSON.stringify({ seed: toHex(seed), ...extra }, null, 1)}\n`, { mode: 0o600 });
  return seed;
}

/** `"1,0,1;0,1"` → [[1,0,1],[0,1]]: one group per question. */
function parseChoices(s: string): number[][] {
  return s
    .split(';')
    .map((q) => q.split(',').map((x) => (x.trim() === '1' ? 1 : x.trim() === '0' ? 0 : Number.NaN)));
}

/** `gongzhi vote …`: run and check elections from the command line (docs/voting.md). */
/** `issuer:category:list` → the election's `owners` argument. */
function ownersArg(s: string): CborMap {
  const [issuer, category, list, ...rest] = s.split(':');
  if (issuer === undefined || category === undefined || list === undefined || rest.length > 0) {
    throw new GongzhiError('CONFIG_INVALID', '--owners takes issuer:category:list');
  }
  return { issuer, category, list };
}

export function registerVote(program: Command): void {
  const vote = program.command('vote').description('community voting: resolutions and secret elections');
  const common = (c: Command) =>
    c
      .option('--group <id>', 'group', 'governance')
      .option('--url <url>', 'node URL', DEFAULT_URL)
      .option('--key <file>', 'signer keystore')
      .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)');
  const record = async (o: Common, id: string): Promise<ElectionRecord> => {
    const ctx = await clientContext(o);
    return recordFromJson(await ctx.client.query(o.group, 'voting', 'record', { election: id }));
  };
  const send = async (o: Common, method: string, args: CborMap) => {
    const ctx = await clientContext(o);
    const r = await ctx.send('voting', method, args);
    printJson(r);
    if (r.receipt !== undefined && r.receipt.status !== 'ok') process.exitCode = 1;
  };

  vote
    .command('credential <file>')
    .description('make a voting credential (its seed stays in <file>; print the public key to enrol)')
    .action(
      action((file: string) => {
        const seed = newSeedFile(file, {});
        const publicKey = toHex(credential({ group: 'ed25519' }, seed).publicKey);
        writeFileSync(file, `${JSON.stringify({ seed: toHex(seed), publicKey }, null, 1)}\n`, {
          mode: 0o600,
        });
        printJson({ publicKey });
      }),
    );

  common(
    vote
      .command('create <id>')
      .description('create a resolution (--matter) or a secret election (--questions, --trustees)')
      .option('--kind <kind>', 'resolution | election', 'resolution')
      .requiredOption('--title <text>', 'title')
      .option('--matter <m>', 'ordinary | major (art. 278)')
      .option('--questions <file>', 'JSON list of {question, answers, min, max}')
      .option('--trustees <addrs>', 'comma-separated trustee accounts')
      .option('--threshold <n>', 'trustees needed to decrypt', int)
      .option('--max-weight <n>', 'largest weight of one voter', int)
      .option('--vote-group <g>', 'ed25519 (default) | BELENIOS-2048 (Belenios 2.0, `vote belenios …`)')
      .option(
        '--owners <issuer:category:list>',
        'enrol verified owners only: the owner credentials’ issuer DID id, its category and status list',
      ),
  ).action(
    action(async (id: string, o: Common & Record<string, string | number | undefined>) => {
      const args: CborMap = {
        id,
        kind: String(o.kind),
        title: String(o.title),
        ...(o.matter === undefined ? {} : { matter: String(o.matter) }),
        ...(o.questions === undefined
          ? {}
          : { questions: JSON.parse(readFileSync(String(o.questions), 'utf8')) }),
        ...(o.trustees === undefined ? {} : { trustees: String(o.trustees).split(',') }),
        ...(o.threshold === undefined ? {} : { threshold: Number(o.threshold) }),
        ...(o.maxWeight === undefined ? {} : { maxWeight: Number(o.maxWeight) }),
        ...(o.voteGroup === undefined ? {} : { group: String(o.voteGroup) }),
        ...(o.owners === undefined ? {} : { owners: ownersArg(String(o.owners)) }),
      };
      await send(o, 'create', args);
    }),
  );

  common(
    vote
      .command('enrol <id> <voters>')
      .description(
        'enrol voters from a JSON file [{credential, weight, owner?}] (owner: the owner credential’s status index)',
      ),
  ).action(
    action(async (id: string, file: string, o: Common) => {
      const list = JSON.parse(readFileSync(file, 'utf8')) as {
        credential: string;
        weight: number;
        owner?: number;
      }[];
      await send(o, 'enrol', {
        election: id,
        voters: list.map((v) => ({
          credential: fromHex(v.credential),
          weight: v.weight,
          ...(v.owner === undefined ? {} : { owner: v.owner }),
        })),
      });
    }),
  );

  for (const [name, desc] of [
    ['freeze', 'freeze the electorate'],
    ['open', 'open voting (fixes the election key and fingerprint)'],
    ['close', 'close voting'],
  ] as const) {
    common(vote.command(`${name} <id>`).description(desc)).action(
      action(async (id: string, o: Common) => send(o, name, { election: id })),
    );
  }

  common(
    vote
      .command('cast <id>')
      .description('vote: --choice for a resolution, --choices "1,0,1;0" for a secret election')
      .requiredOption('--credential <file>', 'the credential file from `vote credential`')
      .option('--choice <c>', 'yes | no | abstain')
      .option('--choices <sel>', 'per question, 0/1 per answer; questions separated by ;')
      .option('--seq <n>', 'ballot number (larger for each re-vote)', int, 1),
  ).action(
    action(
      async (
        id: string,
        o: Common & { credential: string; choice?: string; choices?: string; seq: number },
      ) => {
        const rec = await record(o, id);
        const cred = readSeed(o.credential);
        const seed = new Uint8Array(randomBytes(32));
        if (rec.election.kind === 'resolution') {
          const c = o.choice;
          if (c !== 'yes' && c !== 'no' && c !== 'abstain')
            throw new GongzhiError('CONFIG_INVALID', '--choice yes|no|abstain');
          await send(o, 'vote', voteArgs(rec.election, cred, o.seq, c, seed));
        } else {
          if (o.choices === undefined)
            throw new GongzhiError('CONFIG_INVALID', '--choices is required for an election');
          await send(o, 'cast', castArgs(rec.election, cred, parseChoices(o.choices), seed, o.seq));
        }
      },
    ),
  );

  const trustee = vote.command('trustee').description('trustee key generation and partial decryption');
  common(
    trustee
      .command('keygen <id>')
      .description('round 1 (makes <seed-file> and posts the key) or, once all keys are in, round 2 (shares)')
      .requiredOption('--seed <file>', 'the trustee’s secret seed file (created by round 1)')
      .requiredOption('--index <j>', 'this trustee’s index (1-based, as listed at create)', int),
  ).action(
    action(async (id: string, o: Common & { seed: string; index: number }) => {
      const rec = await record(o, id);
      const mine = rec.trustees.find((t) => t.index === o.index);
      if (mine?.key === undefined) {
        const seed = newSeedFile(o.seed, { election: id, index: String(o.index) });
        await send(o, 'trusteeKey', trusteeKeyArgs(rec.election, o.index, seed));
      } else {
        await send(
          o,
          'trusteeShares',
          trusteeSharesArgs(rec.election, o.index, rec.trustees, readSeed(o.seed)),
        );
      }
    }),
  );
  common(
    trustee
      .command('decrypt <id>')
      .description('post this trustee’s partial decryption of the closed tally')
      .requiredOption('--seed <file>', 'the trustee’s seed file')
      .requiredOption('--index <j>', 'this trustee’s index', int),
  ).action(
    action(async (id: string, o: Common & { seed: string; index: number }) =>
      send(o, 'decrypt', decryptArgs(await record(o, id), o.index, readSeed(o.seed))),
    ),
  );

  registerVoteComplaints(trustee, common, record, send);

  common(
    vote.command('tally <id>').description('compute the result from the decryptions and publish it'),
  ).action(
    action(async (id: string, o: Common) => {
      const r = computeResult(await record(o, id));
      await send(o, 'tally', { election: id, plain: r.plain, weighted: r.weighted });
    }),
  );

  common(
    vote
      .command('show <id>')
      .description('the election (phase, electorate, counts, result); --record writes the whole record')
      .option('--record <file>', 'write the election record (for `vote verify`) to <file>'),
  ).action(
    action(async (id: string, o: Common & { record?: string }) => {
      const ctx = await clientContext(o);
      if (o.record !== undefined) {
        const json = await ctx.client.query(o.group, 'voting', 'record', { election: id });
        writeFileSync(o.record, `${JSON.stringify(json, null, 1)}\n`);
      }
      printJson(await ctx.client.query(o.group, 'voting', 'get', { election: id }));
    }),
  );

  vote
    .command('verify <record>')
    .description('verify a whole election record offline (exit 1 unless every check passes)')
    .option('--json', 'print the verification as JSON')
    .action(
      action((file: string, o: { json?: boolean }) => {
        const v = verifyElectionRecord(recordFromJson(JSON.parse(readFileSync(file, 'utf8'))));
        if (o.json) printJson(v);
        else process.stdout.write(`${formatVerification(v).join('\n')}\n`);
        if (!v.valid) process.exitCode = 1;
      }),
    );
  registerVoteBelenios(vote, common, send);
}
