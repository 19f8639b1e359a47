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

describe('voting: BELENIOS-2048 elections', () => {
  it('runs a 2-of-3 weighted election with a re-vote; the record verifies (ours, and belenios-tool when installed)', () => {
    const sb = setup();
    const votes = [
      [
        [1, 0, 0],
        [1, 1, 0],
      ],
      [
        [0, 1, 0],
        [0, 0, 1],
      ],
      [
        [1, 0, 0],
        [0, 0, 0],
      ],
    ];
    for (const [i, v] of votes.entries()) sb.ok(sb.registrar, 'beleniosCast', ballot(sb, 'b1', i, v));
    sb.ok(
      sb.registrar,
      'beleniosCast',
      ballot(
        sb,
        'b1',
        1,
        [
          [0, 0, 1],
          [1, 0, 0],
        ],
        'again',
      ),
    );
    sb.ok(sb.registrar, 'close', { election: 'b1' });
    for (const j of [1, 3]) {
      sb.ok(
        sb.trustees[j - 1] as KeyPair,
        'beleniosDecrypt',
        beleniosDecryptArgs(
          'b1',
          rec(sb, 'b1'),
          view(sb, 'b1'),
          j,
          trusteeSeed('b1', j),
          seededRand(`d${j}`),
        ),
      );
    }
    const r = beleniosResult(rec(sb, 'b1'), view(sb, 'b1'));
    expect(r.weighted).toEqual([
      [164, 0, 120],
      [209, 89, 0],
    ]);
    expect(r.plain).toEqual([
      [2, 0, 1],
      [2, 1, 0],
    ]);
    refused(
      sb,
      sb.registrar,
      'beleniosTally',
      {
        election: 'b1',
        plain: r.plain,
        weighted: [
          [164, 0, 121],
          [209, 89, 0],
        ],
      },
      'VOTING_WRONG_RESULT',
    );
    sb.ok(sb.registrar, 'beleniosTally', { election: 'b1', ...r });
    const got = sb.query('get', { election: 'b1' }) as {
      result: { weighted: number[][]; participation: unknown };
    };
    expect(got.result.weighted).toEqual(r.weighted);
    expect(got.result.participation).toEqual({ count: 3, weight: 284 });

    const record = { timestamp: 1_796_000_000, ...rec(sb, 'b1') };
    expect(verifyRecord(record).result).toEqual(r.weighted);
    // A changed ballot, tally or result fails our verifier.
    const b0 = record.ballots[0] as string;
    const flipped = b0.replace(/"alpha":"(\d)/, (_m, d: string) => `"alpha":"${d === '1' ? '2' : '1'}`);
    expect(() => verifyRecord({ ...record, ballots: [flipped, ...record.ballots.slice(1)] })).toThrow();
    expect(() =>
      verifyRecord({
        ...record,
        result: JSON.stringify({
          result: [
            [164, 0, 121],
            [209, 89, 0],
          ],
        }),
      }),
    ).toThrow(/result/);

    if (!existsSync(BELENIOS_TOOL)) return; // CI installs Debian's belenios-tool; the e2e test says so when it is absent.
    const dir = mkdtempSync(join(tmpdir(), 'bel-'));
    try {
      writeFileSync(join(dir, 'election.bel'), exportArchive(record));
      const v = spawnSync(BELENIOS_TOOL, ['election', 'verify', '--dir', dir], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(v.stderr).toContain('all checks passed');
      expect(v.status).toBe(0);
      // …and refuses the same archive with a changed result.
      const bad = {
        ...record,
        result: JSON.stringify({
          result: [
            [164, 0, 121],
            [209, 89, 0],
          ],
        }),
      };
      writeFileSync(join(dir, 'election.bel'), exportArchive(bad));
      const w = spawnSync(BELENIOS_TOOL, ['election', 'verify', '--dir', dir], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(w.status).not.toBe(0);
      expect(w.stderr).not.toContain('all checks passed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad ballots, bad trustee messages and out-of-phase steps with their codes and no state change', () => {
    const sb = setup('b2');
    const good = ballot(sb, 'b2', 0, [
      [1, 0, 0],
      [0, 0, 0],
    ]);
    const tampered = {
      ...good,
      ballot: good.ballot.replace(
        /"response":"(\d)/,
        (_m, d: string) => `"response":"${d === '1' ? '2' : '1'}`,
      ),
    };
    refused(sb, sb.registrar, 'beleniosCast', tampered, 'VOTING_BAD_PROOF');
    refused(sb, sb.registrar, 'beleniosCast', { election: 'b2', ballot: '{not json' }, 'VOTING_BAD_BALLOT');
    const stranger = beleniosCastArgs(
      'b2',
      rec(sb, 'b2').election,
      credentialStringFromSeed(seedOf('stranger')),
      [
        [1, 0, 0],
        [0, 0, 0],
      ],
      seededRand('s'),
    );
    refused(sb, sb.registrar, 'beleniosCast', stranger, 'VOTING_NOT_ENROLLED');
    refused(sb, sb.registrar, 'cast', { election: 'b2', ballot: {} }, 'EXEC_BAD_ARGS');
    refused(
      sb,
      sb.registrar,
      'enrol',
      { election: 'b2', voters: [{ credential: beleniosCredential('x', 'y').publicKey, weight: 1 }] },
      'VOTING_FROZEN',
    );
    refused(
      sb,
      sb.trustees[0] as KeyPair,
      'beleniosTrustee',
      { election: 'b2', step: 'cert', message: '{}' },
      'VOTING_BAD_PHASE',
    );
    sb.ok(sb.registrar, 'beleniosCast', good);
    sb.ok(sb.registrar, 'close', { election: 'b2' });
    refused(
      sb,
      sb.registrar,
      'beleniosCast',
      ballot(sb, 'b2', 1, [
        [0, 1, 0],
        [0, 0, 0],
      ]),
      'VOTING_CLOSED',
    );
    const d = beleniosDecryptArgs(
      'b2',
      rec(sb, 'b2'),
      view(sb, 'b2'),
      1,
      trusteeSeed('b2', 1),
      seededRand('d'),
    );
    refused(sb, sb.registrar, 'beleniosDecrypt', d, 'VOTING_NOT_TRUSTEE');
    refused(sb, sb.trustees[1] as KeyPair, 'beleniosDecrypt', d, 'VOTING_BAD_PROOF');
  });

  it('refuses key-generation messages that do not verify, and ballots before open', () => {
    const sb = new VotingSandbox(2);
    sb.ok(sb.registrar, 'create', {
      id: 'b3',
      kind: 'election',
      group: 'BELENIOS-2048',
      title: 't',
      questions: QUESTIONS,
      trustees: sb.trustees.map((k) => sb.address(k)),
      threshold: 2,
    });
    const v = () => view(sb, 'b3');
    const cert = beleniosTrusteeArgs('b3', v(), 1, 'cert', 'seed-1', seededRand('c1'));
    const forged = {
      ...cert,
      message: cert.message.replace(
        /"response":"(\d)/,
        (_m, d: string) => `"response":"${d === '1' ? '2' : '1'}`,
      ),
    };
    refused(sb, sb.trustees[0] as KeyPair, 'beleniosTrustee', forged, 'VOTING_BAD_PROOF');
    refused(sb, sb.registrar, 'beleniosTrustee', cert, 'VOTING_NOT_TRUSTEE');
    sb.ok(sb.trustees[0] as KeyPair, 'beleniosTrustee', cert);
    refused(sb, sb.trustees[0] as KeyPair, 'beleniosTrustee', cert, 'VOTING_ALREADY_POSTED');
    refused(
      sb,
      sb.trustees[0] as KeyPair,
      'beleniosTrustee',
      beleniosTrusteeArgs('b3', v(), 1, 'cert', 'seed-1', seededRand('x')) && {
        election: 'b3',
        step: 'poly',
        message: '{}',
      },
      'VOTING_TRUSTEES_PENDING',
    );
    refused(
      sb,
      sb.trustees[0] as KeyPair,
      'trusteeKey',
      { election: 'b3', publicKey: new Uint8Array(32), proof: new Uint8Array(64) },
      'VOTING_WRONG_GROUP',
    );
    refused(sb, sb.registrar, 'beleniosCast', { election: 'b3', ballot: '{}' }, 'VOTING_NOT_OPEN');
    refused(
      sb,
      sb.registrar,
      'create',
      { id: 'b4', kind: 'resolution', group: 'BELENIOS-2048', title: 't', matter: 'ordinary' },
      'EXEC_BAD_ARGS',
    );
  });
});
