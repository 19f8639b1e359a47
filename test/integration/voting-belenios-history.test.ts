import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { acceptedBelBallots } from '../../src/cli/commands/vote-history.js';
import { VoteNet } from '../../src/demos/vote-net.js';
import {
  beleniosCastArgs,
  beleniosCredential,
  beleniosTrusteeArgs,
  credentialStringFromSeed,
  readBelRecordView,
  readBelTrusteesView,
  withEveryBallot,
} from '../../src/modules/voting/index.js';
import { GongzhiClient } from '../../src/sdk/index.js';
import { seedOf } from '../../src/testing/index.js';
import { seededRand } from '../../src/voting-crypto/belenios/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * The `.bel` export's ballot history over HTTP: a BELENIOS-2048 election with a re-vote and a
 * failed ballot; `acceptedBelBallots` (what `gongzhi vote export` calls) reads every accepted
 * ballot back from the node's transaction index, oldest first, and skips the failed one.
 */
describe('voting: the accepted-ballot history of a BELENIOS-2048 election, over HTTP', () => {
  const tmp = tempDir('gongzhi-vote-bel-history-');
  let v: VoteNet | undefined;
  let server: RunningServer | undefined;
  const sent: string[] = [];
  const id = 'h1';

  beforeAll(async () => {
    const n = await VoteNet.start(
      { dataDir: tmp.dir, log: () => {} },
      { bureau: ['voting-registrar'], office: [] },
    );
    v = n;
    const query = (name: string) => n.net.group.query('voting', name, { election: id });
    await n.ok('bureau', 'create', {
      id,
      kind: 'election',
      group: 'BELENIOS-2048',
      title: 't',
      questions: [{ question: 'q', answers: ['a', 'b'], min: 0, max: 1 }],
      trustees: [n.address('office')],
      threshold: 1,
    });
    const uuid = readBelTrusteesView(query('beleniosTrustees')).uuid;
    const creds = ['h-v0', 'h-v1'].map((s) => credentialStringFromSeed(seedOf(s)));
    await n.ok('bureau', 'enrol', {
      election: id,
      voters: creds.map((c) => ({ credential: beleniosCredential(uuid, c).publicKey, weight: 10 })),
    });
    for (const step of ['cert', 'poly', 'vkey'] as const) {
      const view = readBelTrusteesView(query('beleniosTrustees'));
      await n.ok(
        'office',
        'beleniosTrustee',
        beleniosTrusteeArgs(id, view, 1, step, 'h-trustee', seededRand(step)),
      );
    }
    await n.ok('bureau', 'freeze', { election: id });
    await n.ok('bureau', 'open', { election: id });
    const json = readBelRecordView(query('belenios')).election;
    const cast = async (cred: string, sel: number[][], label: string) => {
      const args = beleniosCastArgs(id, json, cred, sel, seededRand(label));
      return { status: (await n.relay('beleniosCast', args)).status, ballot: args.ballot as string };
    };
    for (const [i, c] of creds.entries()) {
      const r = await cast(c, [[1, 0]], `first-${i}`);
      expect(r.status).toBe('ok');
      sent.push(r.ballot);
    }
    // A credential outside the electorate: in a block with a failed receipt, never counted.
    expect((await cast(credentialStringFromSeed(seedOf('h-stranger')), [[1, 0]], 'stranger')).status).toBe(
      'VOTING_NOT_ENROLLED',
    );
    const again = await cast(creds[0] as string, [[0, 1]], 'again');
    expect(again.status).toBe('ok');
    sent.push(again.ballot);
    server = await startServer(n.net.node, { host: '127.0.0.1', port: 0 });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await v?.stop();
    tmp.remove();
  });

  it('reads every accepted ballot, oldest first, and they end in what the election counts', async () => {
    const client = new GongzhiClient({ url: server?.url ?? '' });
    const accepted = await acceptedBelBallots(client, 'main', id);
    expect(accepted).toEqual(sent);
    const counted = readBelRecordView(v?.net.group.query('voting', 'belenios', { election: id }));
    expect(counted.ballots).toEqual([sent[1], sent[2]]);
    expect(withEveryBallot(counted, accepted).ballots).toEqual(sent);
    // Another election's history is empty.
    expect(await acceptedBelBallots(client, 'main', 'other')).toEqual([]);
  });
});
