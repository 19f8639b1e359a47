import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import type { VoteNet } from '../../src/demos/vote-net.js';
import { VoteNet as Net } from '../../src/demos/vote-net.js';
import { toHex } from '../../src/encoding/index.js';
import { type CborMap, encodeTx, signTx, txHash } from '../../src/ledger/index.js';
import {
  castArgs,
  credential,
  type Election,
  trusteeKeyArgs,
  trusteeSharesArgs,
  voteArgs,
} from '../../src/modules/voting/index.js';
import { seedOf } from '../../src/testing/index.js';
import { tempDir } from '../helpers/fixtures.js';

const TRUSTEES = ['bureau', 'office', 'arbitration'] as const;

/**
 * Bad ballots and votes are refused at admission (MethodDef.admit): over real HTTP the node
 * answers the module's code with its 4xx status, and nothing of the transaction is left — not
 * pending, not in a block, no receipt, tallies unchanged. A good ballot still commits.
 */
describe('voting: bad ballots refused at admission', () => {
  const tmp = tempDir('gongzhi-vote-admit-');
  let v: VoteNet | undefined;
  let server: RunningServer | undefined;
  let url = '';
  let election: Election | undefined;
  let nonce = 0;
  const net = () => v as VoteNet;

  /** A transaction from a fresh relay key, its hash and its bytes. */
  const tx = (method: string, args: CborMap) => {
    const n = net();
    const k = n.net.key(`relay-${nonce}`);
    const body = {
      chain: n.net.group.chain,
      group: n.net.group.group,
      sender: k.publicKey,
      nonce: `a${nonce++}`,
      validUntil: n.net.group.latest.height + 100,
      module: 'voting',
      method,
      args,
    };
    return {
      hash: toHex(txHash(n.net.suite, body)),
      bytes: encodeTx(signTx(n.net.suite, k.secretKey, body)),
    };
  };
  const post = async (bytes: Uint8Array, wait = false) => {
    const r = await fetch(`${url}/txs${wait ? '?wait=commit' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: Buffer.from(bytes),
    });
    return {
      status: r.status,
      body: (await r.json()) as { error?: { code: string }; receipt?: { status: string } },
    };
  };
  const lookup = async (hash: string) => (await fetch(`${url}/txs/${hash}`)).status;
  const ballots = () => net().record('sec').ballots.length;

  beforeAll(async () => {
    v = await Net.start(
      { dataDir: tmp.dir, log: () => {} },
      {
        bureau: ['voting-registrar'],
        office: [],
        arbitration: [],
      },
    );
    const n = v;
    await n.ok('bureau', 'create', {
      id: 'sec',
      kind: 'election',
      title: 't',
      questions: [{ question: 'q', answers: ['a', 'b'], min: 0, max: 1 }],
      trustees: TRUSTEES.map((t) => n.address(t)),
      threshold: 2,
    });
    await n.ok('bureau', 'enrol', {
      election: 'sec',
      voters: ['a', 'b'].map((s) => ({
        credential: credential({ group: 'ed25519' }, seedOf(s)).publicKey,
        weight: 100,
      })),
    });
    for (const [i, t] of TRUSTEES.entries())
      await n.ok(t, 'trusteeKey', trusteeKeyArgs(n.record('sec').election, i + 1, seedOf(`t${i}`)));
    for (const [i, t] of TRUSTEES.entries()) {
      const rec = n.record('sec');
      await n.ok(t, 'trusteeShares', trusteeSharesArgs(rec.election, i + 1, rec.trustees, seedOf(`t${i}`)));
    }
    await n.ok('bureau', 'freeze', { election: 'sec' });
    await n.ok('bureau', 'open', { election: 'sec' });
    election = n.record('sec').election;
    await n.ok('bureau', 'create', {
      id: 'res',
      kind: 'resolution',
      title: 'r',
      matter: 'ordinary',
    });
    await n.ok('bureau', 'enrol', {
      election: 'res',
      voters: [{ credential: credential({ group: 'ed25519' }, seedOf('a')).publicKey, weight: 100 }],
    });
    await n.ok('bureau', 'freeze', { election: 'res' });
    await n.ok('bureau', 'open', { election: 'res' });
    server = await startServer(n.net.node, { host: '127.0.0.1', port: 0 });
    url = `${server.url}/v1/groups/main`;
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await v?.stop();
    tmp.remove();
  });

  it('refuses a ballot with a wrong 0/1 proof with VOTING_BAD_PROOF (400), leaving no trace', async () => {
    const good = castArgs(election as Election, seedOf('a'), [[1, 0]], seedOf('s1'));
    const b = good.ballot as { answers: { proofs: Uint8Array[][] }[] } & CborMap;
    const q0 = b.answers[0] as { proofs: Uint8Array[][] } & CborMap;
    const swapped = { ...q0, proofs: [q0.proofs[1], q0.proofs[0]] as Uint8Array[][] };
    const t = tx('cast', { election: 'sec', ballot: { ...b, answers: [swapped] } });
    const r = await post(t.bytes);
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('VOTING_BAD_PROOF');
    expect(await lookup(t.hash)).toBe(404);
    expect(net().net.group.mempoolSize).toBe(0);
    expect(ballots()).toBe(0);
  });

  it('refuses a ballot with a bad credential signature with VOTING_BAD_SIGNATURE', async () => {
    const good = castArgs(election as Election, seedOf('a'), [[0, 1]], seedOf('s2'));
    const sig = Uint8Array.from((good.ballot as { signature: Uint8Array }).signature);
    sig[5] = (sig[5] as number) ^ 0x01;
    const t = tx('cast', { election: 'sec', ballot: { ...(good.ballot as CborMap), signature: sig } });
    const r = await post(t.bytes);
    expect([r.status, r.body.error?.code]).toEqual([400, 'VOTING_BAD_SIGNATURE']);
    expect(await lookup(t.hash)).toBe(404);
    expect(ballots()).toBe(0);
  });

  it('refuses an open vote with a bad signature, and one for an unknown election', async () => {
    const good = voteArgs(net().record('res').election, seedOf('a'), 1, 'yes', seedOf('w'));
    const sig = Uint8Array.from(good.signature as Uint8Array);
    sig[0] = (sig[0] as number) ^ 0x01;
    const t = tx('vote', { ...good, signature: sig });
    const r = await post(t.bytes);
    expect([r.status, r.body.error?.code]).toEqual([400, 'VOTING_BAD_SIGNATURE']);
    expect(await lookup(t.hash)).toBe(404);
    expect(net().net.group.mempoolSize).toBe(0);
    // Signed for another seq than it says: refused the same way (the signature covers seq).
    const w = tx('vote', { ...good, seq: 2 });
    expect([(await post(w.bytes)).status, net().net.group.mempoolSize]).toEqual([400, 0]);
    const u = tx('vote', { ...good, election: 'nope' });
    expect((await post(u.bytes)).body.error?.code).toBe('VOTING_NOT_FOUND');
    expect(net().record('res').votes?.length ?? 0).toBe(0);
    // The good vote is admitted (its signature job passed) and counts once committed.
    const ok = await post(tx('vote', good).bytes, true);
    expect([ok.status, ok.body.receipt?.status]).toEqual([200, 'ok']);
    expect(net().record('res').votes?.length).toBe(1);
  });

  it('admits and commits a good ballot; after close a ballot is refused with VOTING_CLOSED (409)', async () => {
    const t = tx('cast', castArgs(election as Election, seedOf('a'), [[1, 0]], seedOf('s3')));
    const r = await post(t.bytes, true);
    expect(r.status).toBe(200);
    expect(r.body.receipt?.status).toBe('ok');
    expect(ballots()).toBe(1);
    await net().ok('bureau', 'close', { election: 'sec' });
    const late = tx('cast', castArgs(election as Election, seedOf('b'), [[0, 1]], seedOf('s4')));
    const l = await post(late.bytes);
    expect([l.status, l.body.error?.code]).toEqual([409, 'VOTING_CLOSED']);
    expect(await lookup(late.hash)).toBe(404);
    expect(ballots()).toBe(1);
  });
});
