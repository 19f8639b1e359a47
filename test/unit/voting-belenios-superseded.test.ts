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
  withEveryBallot,
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

/**
 * A re-voted BELENIOS-2048 election exported with every accepted ballot (the superseded one too),
 * in ledger order: Belenios counts the last ballot of each credential, and Debian's
 * belenios-tool accepts the archive; the same ballots out of order are refused.
 */
describe('voting: BELENIOS-2048 export with superseded ballots', () => {
  it('the archive with every accepted ballot verifies (ours and belenios-tool); reordered, it does not', () => {
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
    const sent: string[] = [];
    const cast = (args: CborMap) => {
      sb.ok(sb.registrar, 'beleniosCast', args);
      sent.push(args.ballot as string);
    };
    for (const [i, v] of votes.entries()) cast(ballot(sb, 'b1', i, v));
    cast(
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
      const args = beleniosDecryptArgs(
        'b1',
        rec(sb, 'b1'),
        view(sb, 'b1'),
        j,
        trusteeSeed('b1', j),
        seededRand(`d${j}`),
      );
      sb.ok(sb.trustees[j - 1] as KeyPair, 'beleniosDecrypt', args);
    }
    const r = beleniosResult(rec(sb, 'b1'), view(sb, 'b1'));
    sb.ok(sb.registrar, 'beleniosTally', { election: 'b1', ...r });
    const counted = rec(sb, 'b1');
    expect(counted.ballots).toHaveLength(3);
    const every = { timestamp: 1_796_000_000, ...withEveryBallot(counted, sent) };
    expect(every.ballots).toEqual(sent);
    expect(verifyRecord(every)).toEqual({ result: r.weighted, ballots: 3 });
    // The re-voted owner's two ballots swapped: the history no longer ends in what is counted.
    const swapped = [sent[0], sent[3], sent[2], sent[1]] as string[];
    expect(() => withEveryBallot(counted, swapped)).toThrow(
      expect.objectContaining({ code: 'CHAIN_INVALID' }),
    );
    expect(() => withEveryBallot(counted, sent.slice(1))).toThrow(
      expect.objectContaining({ code: 'CHAIN_INVALID' }),
    );
    // Written out anyway, the swapped archive counts the old ballot: the tally does not match.
    const reordered = { ...every, ballots: swapped };
    expect(() => verifyRecord(reordered)).toThrow();

    if (!existsSync(BELENIOS_TOOL)) return; // CI installs Debian's belenios-tool.
    const dir = mkdtempSync(join(tmpdir(), 'bel-'));
    try {
      const tool = (record: typeof every) => {
        writeFileSync(join(dir, 'election.bel'), exportArchive(record));
        return spawnSync(BELENIOS_TOOL, ['election', 'verify', '--dir', dir], {
          encoding: 'utf8',
          timeout: 60_000,
        });
      };
      const ok = tool(every);
      expect(ok.stderr).toContain('all checks passed');
      expect(ok.status).toBe(0);
      const bad = tool(reordered);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).not.toContain('all checks passed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
