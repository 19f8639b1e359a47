import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import {
  type BelRecordView,
  type BelTrusteesView,
  beleniosCastArgs,
  beleniosCredential,
  beleniosDecryptArgs,
  beleniosResult,
  beleniosTrusteeArgs,
  credentialStringFromSeed,
} from '../../src/modules/voting/index.js';
import { seedOf, VotingSandbox } from '../../src/testing/index.js';
import { exportArchive, seededRand, verifyRecord } from '../../src/voting-crypto/belenios/index.js';

const BELENIOS_TOOL = '/usr/bin/belenios-tool';
const WEIGHTS = [89, 120, 75, 100];
const QUESTIONS = [
  { question: 'Chair', answers: ['Li', 'Wang', 'Zhang'], min: 1, max: 1 },
  { question: 'Members: up to two', answers: ['Chen', 'Liu', 'Zhao'], min: 0, max: 2 },
];
const cred = (i: number) => credentialStringFromSeed(seedOf(`bel-voter-${i}`));

function refused(sb: VotingSandbox, key: KeyPair, method: string, args: CborMap, code: string): void {
  const before = sb.snapshot();
  const r = sb.call(key, method, args);
  expect(r.status, r.message).toBe(code);
  expect(sb.snapshot()).toEqual(before);
}

const view = (sb: VotingSandbox, id: string) =>
  sb.query('beleniosTrustees', { election: id }) as BelTrusteesView;
const rec = (sb: VotingSandbox, id: string) => sb.query('belenios', { election: id }) as BelRecordView;
const trusteeSeed = (id: string, j: number) => `bel-trustee-${id}-${j}`;

function setup(id = 'b1'): VotingSandbox {
  const sb = new VotingSandbox(3);
  sb.ok(sb.registrar, 'create', {
    id,
    kind: 'election',
    group: 'BELENIOS-2048',
    title: 'Owners’ committee 2027',
    questions: QUESTIONS,
    trustees: sb.trustees.map((k) => sb.address(k)),
    threshold: 2,
  });
  const uuid = view(sb, id).uuid;
  sb.ok(sb.registrar, 'enrol', {
    election: id,
    voters: WEIGHTS.map((w, i) => ({ credential: beleniosCredential(uuid, cred(i)).publicKey, weight: w })),
  });
  for (const step of ['cert', 'poly', 'vkey'] as const) {
    for (const [i, k] of sb.trustees.entries()) {
      const args = beleniosTrusteeArgs(
        id,
        view(sb, id),
        i + 1,
        step,
        trusteeSeed(id, i + 1),
        seededRand(`${id}/${i}/${step}`),
      );
      sb.ok(k, 'beleniosTrustee', args);
    }
  }
  sb.ok(sb.registrar, 'freeze', { election: id });
  sb.ok(sb.registrar, 'open', { election: id });
  return sb;
}

const ballot = (sb: VotingSandbox, id: string, voter: number, choices: number[][], label = 'b') =>
  beleniosCastArgs(id, rec(sb, id).election, cred(voter), choices, seededRand(`${id}/${voter}/${label}`));

describe('scratch: superseded ballots', () => {
  it('belenios-tool on an archive with a superseded ballot', () => {
    const sb = setup();
    const votes = [
      [[1, 0, 0], [1, 1, 0]],
      [[0, 1, 0], [0, 0, 1]],
      [[1, 0, 0], [0, 0, 0]],
    ];
    const sent: string[] = [];
    for (const [i, v] of votes.entries()) {
      const a = ballot(sb, 'b1', i, v);
      sent.push(a.ballot as string);
      sb.ok(sb.registrar, 'beleniosCast', a);
    }
    const again = ballot(sb, 'b1', 1, [[0, 0, 1], [1, 0, 0]], 'again');
    sent.push(again.ballot as string);
    sb.ok(sb.registrar, 'beleniosCast', again);
    sb.ok(sb.registrar, 'close', { election: 'b1' });
    for (const j of [1, 3]) {
      sb.ok(sb.trustees[j - 1] as KeyPair, 'beleniosDecrypt',
        beleniosDecryptArgs('b1', rec(sb, 'b1'), view(sb, 'b1'), j, trusteeSeed('b1', j), seededRand(`d${j}`)));
    }
    const r = beleniosResult(rec(sb, 'b1'), view(sb, 'b1'));
    sb.ok(sb.registrar, 'beleniosTally', { election: 'b1', ...r });
    const record = { timestamp: 1_796_000_000, ...rec(sb, 'b1'), ballots: sent };
    expect(verifyRecord(record).result).toEqual(r.weighted);
    const dir = mkdtempSync(join(tmpdir(), 'bel-'));
    writeFileSync(join(dir, 'election.bel'), exportArchive(record));
    const v = spawnSync(BELENIOS_TOOL, ['election', 'verify', '--dir', dir], { encoding: 'utf8', timeout: 60_000 });
    console.log('STATUS', v.status, v.stdout, v.stderr, dir);
    rmSync;
  }, 120_000);
});
