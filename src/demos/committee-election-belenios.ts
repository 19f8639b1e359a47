import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTx } from '../ledger/index.js';
import {
  beleniosCastArgs,
  beleniosCredential,
  beleniosDecryptArgs,
  beleniosResult,
  beleniosTrusteeArgs,
  readBelRecordView,
  readBelTrusteesView,
  withEveryBallot,
} from '../modules/voting/index.js';
import {
  exportArchive,
  makeCredentialString,
  secureRand,
  verifyRecord,
} from '../voting-crypto/belenios/index.js';
import { MAX_TX_BODY_PAGE } from '../wire/index.js';
import type { DemoContext } from './demo.js';
import { freshSeed, VoteNet } from './vote-net.js';

const TRUSTEES = ['housing-bureau', 'street-office', 'arbitration'] as const;
const CANDIDATES = ['Chen Jie', 'Liu Fang', 'Zhao Lei', 'Sun Min'];
const newCredential = () => makeCredentialString(() => Number(secureRand() % 58n));

/**
 * The ballot JSONs of every `beleniosCast` of election `id` with an ok receipt, oldest first: the
 * election's transactions with their bodies a page per read of the subject index (as the
 * `GET …/txs/bodies` route the CLI's export uses), not one read per ballot.
 */
function acceptedBallots(v: VoteNet, id: string): string[] {
  const store = v.net.group.store;
  const out: string[] = [];
  let cursor: [number?, number?] = [];
  for (;;) {
    const page = store.txsBySubject('voting', id, MAX_TX_BODY_PAGE, ...cursor);
    for (const t of page) {
      if (t.method !== 'beleniosCast' || t.status !== 'ok') continue;
      const args = decodeTx(t.tx).body.args;
      if (args.election === id && typeof args.ballot === 'string') out.push(args.ballot);
    }
    const last = page.at(-1);
    if (page.length < MAX_TX_BODY_PAGE || last === undefined) break;
    cursor = [last.height, last.index];
  }
  return out.reverse();
}

/**
 * The committee election in Belenios 2.0's group and protocol (`--vote-group BELENIOS-2048`): the
 * same story, with Belenios ballots and Pedersen trustees on our ledger, and at the end the whole
 * election exported as the only `.bel` file in `<data>/belenios/` for `belenios-tool election verify`.
 */
export async function committeeElectionBelenios(
  ctx: DemoContext,
): Promise<Readonly<Record<string, unknown>>> {
  const v = await VoteNet.start(ctx, {
    'housing-bureau': ['voting-registrar'],
    'street-office': [],
    arbitration: [],
  });
  try {
    const id = 'committee-2027';
    const query = (name: string) => v.net.group.query('voting', name, { election: id });
    const view = () => readBelTrusteesView(query('beleniosTrustees'));
    const rec = () => readBelRecordView(query('belenios'));
    await v.ok('housing-bureau', 'create', {
      id,
      kind: 'election',
      group: 'BELENIOS-2048',
      title: 'Owners’ committee 2027',
      questions: [
        { question: 'Committee members (up to two)', answers: CANDIDATES, min: 0, max: 2 },
        { question: 'Adopt the revised parking by-law?', answers: ['yes'], min: 0, max: 1 },
      ],
      trustees: TRUSTEES.map((t) => v.address(t)),
      threshold: 2,
      rule: { quorum: { num: 2, den: 3 }, pass: { num: 1, den: 2 }, strict: true },
    });
    const { uuid } = view();
    // Areas in m² (Belenios' verifier finds each weighted count by discrete log up to the total).
    const areas = [90, 120, 75, 143, 98, 110, 65, 132, 88];
    const owners = areas.map((w) => ({ credential: newCredential(), weight: w }));
    await v.ok('housing-bureau', 'enrol', {
      election: id,
      voters: owners.map((o) => ({
        credential: beleniosCredential(uuid, o.credential).publicKey,
        weight: o.weight,
      })),
    });
    const seeds = TRUSTEES.map(() => Buffer.from(freshSeed()).toString('hex'));
    for (const step of ['cert', 'poly', 'vkey'] as const) {
      for (const [i, t] of TRUSTEES.entries()) {
        await v.ok(
          t,
          'beleniosTrustee',
          beleniosTrusteeArgs(id, view(), i + 1, step, seeds[i] as string, secureRand),
        );
      }
    }
    ctx.log(
      `trustees ${TRUSTEES.join(', ')} ran Belenios' threshold key generation (2 of 3) in three rounds`,
    );
    await v.ok('housing-bureau', 'freeze', { election: id });
    await v.ok('housing-bureau', 'open', { election: id });
    ctx.log(
      `election ${uuid} open in BELENIOS-2048: ${owners.length} owners, ${areas.reduce((s, a) => s + a, 0)} m²`,
    );
    const choices = [
      [[1, 1, 0, 0], [1]],
      [[0, 1, 1, 0], [1]],
      [[1, 0, 0, 1], [0]],
      [[0, 1, 0, 0], [1]],
      [[1, 1, 0, 0], [0]],
      [[0, 0, 1, 1], [1]],
      [[1, 0, 0, 0], [1]],
    ];
    const cast = (i: number, sel: number[][]) =>
      v.relay(
        'beleniosCast',
        beleniosCastArgs(
          id,
          rec().election,
          (owners[i] as { credential: string }).credential,
          sel,
          secureRand,
        ),
      );
    for (const [i, sel] of choices.entries()) {
      const r = await cast(i, sel);
      if (r.status !== 'ok') throw new Error(`ballot ${i}: ${r.status} ${r.message ?? ''}`);
    }
    ctx.log(
      `${choices.length} Belenios ballots admitted (proofs and credential signatures checked by the ledger)`,
    );
    const revote = await cast(2, [[0, 1, 0, 1], [1]]);
    ctx.log(`owner 3 re-voted: ${revote.status}; only her last ballot counts`);
    const stranger = await v.relay(
      'beleniosCast',
      beleniosCastArgs(id, rec().election, newCredential(), [[1, 0, 0, 0], [0]], secureRand),
    );
    ctx.log(`a ballot from a credential outside the electorate: ${stranger.status}`);
    // A ballot with one proof response changed never reaches a block: the node refuses it.
    const good = beleniosCastArgs(
      id,
      rec().election,
      (owners[3] as { credential: string }).credential,
      [[1, 0, 0, 0], [1]],
      secureRand,
    );
    const parsed = JSON.parse(good.ballot as string) as {
      answers: { individual_proofs: { response: string }[][] }[];
    };
    const p0 = parsed.answers[0]?.individual_proofs[0]?.[0];
    if (p0 !== undefined) p0.response = p0.response === '1' ? '2' : '1';
    const forged = await v.refusedCode('beleniosCast', { ...good, ballot: JSON.stringify(parsed) });
    ctx.log(`a ballot with a wrong proof is refused at admission: ${forged}`);
    await v.ok('housing-bureau', 'close', { election: id });
    for (const j of [1, 3]) {
      await v.ok(
        TRUSTEES[j - 1] as string,
        'beleniosDecrypt',
        beleniosDecryptArgs(id, rec(), view(), j, seeds[j - 1] as string, secureRand),
      );
    }
    const res = beleniosResult(rec(), view());
    await v.ok('street-office', 'beleniosTally', { election: id, plain: res.plain, weighted: res.weighted });
    for (const [i, c] of CANDIDATES.entries())
      ctx.log(`  ${c}: ${res.plain[0]?.[i]} votes, ${res.weighted[0]?.[i]} m²`);
    // Every accepted ballot in ledger order, the re-voted owner's first ballot too (Belenios counts
    // the last of each credential, so its archive keeps them all).
    const record = { timestamp: 0, ...withEveryBallot(rec(), acceptedBallots(v, id)) };
    const checked = verifyRecord(record);
    const dir = join(ctx.dataDir, 'belenios');
    mkdirSync(dir, { recursive: true });
    const archive = join(dir, `${uuid}.bel`);
    writeFileSync(archive, exportArchive(record));
    ctx.log(`exported ${archive}: check it with \`belenios-tool election verify --dir ${dir}\``);
    return {
      plain: res.plain,
      weighted: res.weighted,
      revote: revote.status,
      stranger: stranger.status,
      forged,
      verified: JSON.stringify(checked.result) === JSON.stringify(res.weighted),
      archive,
      uuid,
    };
  } finally {
    await v.stop();
  }
}
