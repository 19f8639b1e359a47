import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyPair } from '../crypto/index.js';
import {
  beleniosCastArgs,
  beleniosCredential,
  beleniosDecryptArgs,
  beleniosResult,
  beleniosTrusteeArgs,
  credentialStringFromSeed,
  readBelRecordView,
  readBelTrusteesView,
} from '../modules/voting/index.js';
import { seedOf, VotingSandbox } from '../testing/index.js';
import { exportArchive, seededRand, verifyRecord } from '../voting-crypto/belenios/index.js';

const QUESTIONS = [
  { question: 'Committee (up to two)', answers: ['A', 'B', 'C', 'D'], min: 0, max: 2 },
  { question: 'By-law', answers: ['yes'], min: 0, max: 1 },
  { question: 'Budget', answers: ['low', 'mid', 'high'], min: 1, max: 1 },
];
const pick = (i: number): number[][] => [
  [i % 2, (i >> 1) % 2, 0, 0],
  [i % 3 === 0 ? 1 : 0],
  [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)),
];

/**
 * The voting benchmark in Belenios' group (BELENIOS-2048) on the real block executor: ballots
 * built, admitted (every Belenios check in `check`), two of three trustees decrypt, the result is
 * checked by the ledger, then the export is verified by our verifier and, when installed, by
 * belenios-tool. Times in ms, rates per second, one process.
 */
export async function benchVotingBelenios(n: number, log: (m: string) => void) {
  const sb = new VotingSandbox(3);
  const id = 'bench';
  sb.ok(sb.registrar, 'create', {
    id,
    kind: 'election',
    group: 'BELENIOS-2048',
    title: 'bench',
    questions: QUESTIONS,
    trustees: sb.trustees.map((k) => sb.address(k)),
    threshold: 2,
  });
  const view = () => readBelTrusteesView(sb.query('beleniosTrustees', { election: id }));
  const rec = () => readBelRecordView(sb.query('belenios', { election: id }));
  const uuid = view().uuid;
  const creds = Array.from({ length: n }, (_, i) => credentialStringFromSeed(seedOf(`v${i}`)));
  for (let i = 0; i < n; i += 500) {
    const voters = creds.slice(i, i + 500).map((c, k) => ({
      credential: beleniosCredential(uuid, c).publicKey,
      weight: 50 + ((i + k) % 97),
    }));
    sb.ok(sb.registrar, 'enrol', { election: id, voters });
  }
  for (const step of ['cert', 'poly', 'vkey'] as const) {
    for (const [i, k] of sb.trustees.entries()) {
      sb.ok(
        k,
        'beleniosTrustee',
        beleniosTrusteeArgs(id, view(), i + 1, step, `t${i}`, seededRand(`t${i}${step}`)),
      );
    }
  }
  sb.ok(sb.registrar, 'freeze', { election: id });
  sb.ok(sb.registrar, 'open', { election: id });
  const election = rec().election;
  log(`voting-belenios: building ${n} ballots (3 questions)`);
  let t = performance.now();
  const args = creds.map((c, i) => beleniosCastArgs(id, election, c, pick(i), seededRand(`b${i}`)));
  const buildMs = performance.now() - t;
  log(`voting-belenios: admitting ${n} ballots`);
  t = performance.now();
  for (let i = 0; i < n; i += 50) {
    const rs = sb.batch(
      args.slice(i, i + 50).map((a) => ({ key: sb.registrar, method: 'beleniosCast', args: a })),
    );
    const bad = rs.find((r) => r.status !== 'ok');
    if (bad !== undefined) throw new Error(`ballot refused: ${bad.status} ${bad.message ?? ''}`);
  }
  const admitMs = performance.now() - t;
  sb.ok(sb.registrar, 'close', { election: id });
  t = performance.now();
  for (const j of [1, 3]) {
    sb.ok(
      sb.trustees[j - 1] as KeyPair,
      'beleniosDecrypt',
      beleniosDecryptArgs(id, rec(), view(), j, `t${j - 1}`, seededRand(`d${j}`)),
    );
  }
  const decryptMs = performance.now() - t;
  t = performance.now();
  const r = beleniosResult(rec(), view());
  sb.ok(sb.registrar, 'beleniosTally', { election: id, ...r });
  const tallyMs = performance.now() - t;
  const record = { timestamp: 0, ...rec() };
  t = performance.now();
  verifyRecord(record);
  const verifyMs = performance.now() - t;
  let beleniosToolMs: number | undefined;
  if (existsSync('/usr/bin/belenios-tool')) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-bel-'));
    try {
      writeFileSync(join(dir, 'bench.bel'), exportArchive(record));
      t = performance.now();
      const v = spawnSync('/usr/bin/belenios-tool', ['election', 'verify', '--dir', dir], {
        encoding: 'utf8',
      });
      beleniosToolMs = Math.round(performance.now() - t);
      if (!v.stderr.includes('all checks passed')) throw new Error(`belenios-tool: ${v.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const rate = (ms: number) => Math.round((n / ms) * 1000 * 10) / 10;
  return {
    group: 'BELENIOS-2048',
    questions: QUESTIONS.length,
    ballots: n,
    ballotsBuiltPerSec: rate(buildMs),
    ballotsAdmittedPerSec: rate(admitMs),
    decryptMs: Math.round(decryptMs),
    tallyMs: Math.round(tallyMs),
    verifyMs: Math.round(verifyMs),
    ...(beleniosToolMs === undefined ? {} : { beleniosToolMs }),
    ballotBytes: (args[0]?.ballot.length ?? 0) as number,
  };
}

/** `npm run bench -- --voting-belenios [--voting-ballots N]` (default 200). */
export async function reportVotingBelenios(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
  log: (m: string) => void,
): Promise<void> {
  const v = await benchVotingBelenios(arg('--voting-ballots', 200), log);
  report(
    { bench: 'voting-belenios', ...v },
    `voting (${v.group}, ${v.questions} questions, ${v.ballotBytes}-byte ballot JSON): ${v.ballotsBuiltPerSec} built/s, ` +
      `${v.ballotsAdmittedPerSec} admitted/s; ${v.ballots} ballots: decryption ${v.decryptMs} ms, tally ${v.tallyMs} ms, ` +
      `our verification ${v.verifyMs} ms${v.beleniosToolMs === undefined ? '' : `, belenios-tool verify ${v.beleniosToolMs} ms`}`,
  );
}
