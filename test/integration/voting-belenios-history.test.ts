import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { acceptedBelBallots } from '../../src/cli/commands/vote-history.js';
import { VoteNet } from '../../src/demos/vote-net.js';
import { txSubject } from '../../src/execution/index.js';
import { decodeTx } from '../../src/ledger/index.js';
import {
  beleniosCastArgs,
  beleniosCredential,
  beleniosTrusteeArgs,
  credential,
  credentialStringFromSeed,
  readBelRecordView,
  readBelTrusteesView,
  voteArgs,
  withEveryBallot,
} from '../../src/modules/voting/index.js';
import { GongzhiClient } from '../../src/sdk/index.js';
import { SUBJECT_BODIES_SQL, SUBJECT_PAGE_SQL } from '../../src/storage/index.js';
import { seedOf } from '../../src/testing/index.js';
import { exportArchive, seededRand } from '../../src/voting-crypto/belenios/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * What the export read before the per-election index: every `voting` transaction's index entry,
 * then the body of every accepted `beleniosCast` of any election (the reference for "unchanged").
 */
async function wholeHistoryBallots(client: GongzhiClient, id: string, seen: { rows: number }) {
  const hashes: string[] = [];
  let cursor: { before?: number; beforeIndex?: number } = {};
  for (;;) {
    const page = await client.txPage('main', { module: 'voting', limit: 1000, ...cursor });
    seen.rows += page.txs.length;
    for (const t of page.txs) if (t.method === 'beleniosCast' && t.status === 'ok') hashes.push(t.hash);
    if (page.next === undefined) break;
    cursor = page.next;
  }
  const out: string[] = [];
  for (const h of hashes.reverse()) {
    const args = (await client.txReceipt('main', h)).tx?.args as { election?: unknown; ballot?: unknown };
    if (args.election === id && typeof args.ballot === 'string') out.push(args.ballot);
  }
  return out;
}

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

  it('reads through the per-election index: the same archive bytes, no row of another election', async () => {
    const n = v as VoteNet;
    const client = new GongzhiClient({ url: server?.url ?? '' });
    // A client that counts the index rows (each with its body) and the pages the export reads.
    const seen = { rows: 0, pages: 0 };
    const counting: Parameters<typeof acceptedBelBallots>[0] = {
      txBodyPage: async (g, by) => {
        const p = await client.txBodyPage(g, by);
        seen.rows += p.txs.length;
        seen.pages++;
        return p;
      },
    };
    const read = async () => {
      seen.rows = 0;
      seen.pages = 0;
      const ballots = await acceptedBelBallots(counting, 'main', id);
      return { ballots, rows: seen.rows, pages: seen.pages };
    };
    const first = await read();
    // h1's four beleniosCast transactions (three ok, one failed), bodies included, in one page.
    expect([first.rows, first.pages]).toEqual([4, 1]);

    // Another election with eight votes: the whole-history reading grows, the index's does not.
    const old = { rows: 0 };
    await wholeHistoryBallots(client, id, old);
    const oldBefore = old.rows;
    // create, enrol, three trustee steps, freeze, open and the four ballots.
    expect(oldBefore).toBe(11);
    const seeds = Array.from({ length: 8 }, (_, i) => seedOf(`r-voter-${i}`));
    await n.ok('bureau', 'create', { id: 'r1', kind: 'resolution', title: 'r', matter: 'ordinary' });
    await n.ok('bureau', 'enrol', {
      election: 'r1',
      voters: seeds.map((s) => ({ credential: credential({ group: 'ed25519' }, s).publicKey, weight: 10 })),
    });
    await n.ok('bureau', 'freeze', { election: 'r1' });
    await n.ok('bureau', 'open', { election: 'r1' });
    const res = n.record('r1').election;
    for (const [i, s] of seeds.entries())
      expect((await n.relay('vote', voteArgs(res, s, 1, 'yes', seedOf(`r-nonce-${i}`)))).status).toBe('ok');
    const second = await read();
    expect(second).toEqual(first);
    old.rows = 0;
    const whole = await wholeHistoryBallots(client, id, old);
    expect(old.rows).toBe(oldBefore + 12);

    // The archive is byte-identical to the one made from the whole history.
    const counted = readBelRecordView(n.net.group.query('voting', 'belenios', { election: id }));
    expect(whole).toEqual(second.ballots);
    const viaIndex = exportArchive({ timestamp: 0, ...withEveryBallot(counted, second.ballots) });
    const viaWhole = exportArchive({ timestamp: 0, ...withEveryBallot(counted, whole) });
    expect(Buffer.compare(viaIndex, viaWhole)).toBe(0);

    // The page is read from the index in key order: no table scan, no sort.
    const store = n.net.group.store;
    // So is a page with the bodies (GET …/txs/bodies).
    for (const sql of [SUBJECT_PAGE_SQL, SUBJECT_BODIES_SQL]) {
      const plan = store.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all('voting', id, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 1000) as { detail: string }[];
      const steps = plan.map((p) => p.detail);
      expect(steps.some((d) => /SEARCH s USING PRIMARY KEY \(module=\? AND subject=\?/.test(d))).toBe(true);
      expect(steps.some((d) => /SEARCH t USING INDEX txs_by_position/.test(d))).toBe(true);
      expect(steps.filter((d) => /^SCAN|TEMP B-TREE/.test(d))).toEqual([]);
    }
    // The resolution's votes are under their own subject.
    expect(store.txEntriesBySubject('voting', 'r1', 100).map((t) => t.method)).toEqual(Array(8).fill('vote'));

    // A file from before the index: its rows are rebuilt, identical, when a node opens it.
    const rows = () =>
      store.db.prepare('SELECT * FROM tx_subjects ORDER BY module, subject, height, idx').all();
    const before = rows();
    store.db.exec("DELETE FROM tx_subjects; DELETE FROM meta WHERE key = 'txSubjectsIndexed'");
    expect(rows()).toEqual([]);
    const registry = n.net.group.registry;
    expect(store.ensureSubjectIndex((b) => txSubject(registry, b))).toBe(before.length);
    expect(rows()).toEqual(before);
    expect(store.ensureSubjectIndex(() => 'x')).toBe(0);
    for (const t of store.txEntriesBySubject('voting', id, 100)) {
      expect(
        (decodeTx(store.tx(t.hash)?.tx ?? new Uint8Array()).body.args as { election?: unknown }).election,
      ).toBe(id);
    }

    // `subject` names a subject within a module: alone it is a bad request.
    const bad = await fetch(`${server?.url}/v1/groups/main/txs?subject=${id}`);
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      'API_BAD_REQUEST',
    ]);
  }, 120_000);

  it('reads the ballot bodies a page per request: ceil(N/page) + 1 requests at the server, same archive', async () => {
    const n = v as VoteNet;
    const app = server?.app;
    if (app === undefined) throw new Error('no server');
    // Five more re-votes: eight accepted ballots and the failed one under h1's subject.
    const json = readBelRecordView(n.net.group.query('voting', 'belenios', { election: id })).election;
    const creds = ['h-v0', 'h-v1'].map((s) => credentialStringFromSeed(seedOf(s)));
    for (let i = 0; i < 5; i++) {
      const args = beleniosCastArgs(
        id,
        json,
        creds[i % 2] as string,
        [[i % 2, 1 - (i % 2)]],
        seededRand(`more-${i}`),
      );
      expect((await n.relay('beleniosCast', args)).status).toBe('ok');
    }
    // Requests as the server sees them (its own 'request' event), whatever the client does.
    let requests = 0;
    const count = () => {
      requests++;
    };
    app.server.on('request', count);
    const client = new GongzhiClient({ url: server?.url ?? '' });
    const measure = async <R>(f: () => Promise<R>) => {
      requests = 0;
      const r = await f();
      return { r, requests };
    };
    try {
      const ballots = 8;
      const subjectTxs = 9;
      // The reading of one body per ballot (before the batch route): one listing page, then a request a ballot.
      const old = await measure(() => wholeHistoryBallots(client, id, { rows: 0 }));
      expect(old.r).toHaveLength(ballots);
      expect(old.requests).toBe(1 + ballots);
      for (const page of [1, 3, 4, 100]) {
        const now = await measure(() => acceptedBelBallots(client, 'main', id, page));
        expect(now.r, `page ${page}`).toEqual(old.r);
        // Full pages, then the (possibly empty) last one.
        expect(now.requests, `page ${page}`).toBe(Math.floor(subjectTxs / page) + 1);
        expect(now.requests).toBeLessThanOrEqual(Math.ceil(ballots / page) + 2);
      }
      // The default page: one request for the whole election.
      expect((await measure(() => acceptedBelBallots(client, 'main', id))).requests).toBe(1);
      const counted = readBelRecordView(n.net.group.query('voting', 'belenios', { election: id }));
      const paged = await acceptedBelBallots(client, 'main', id, 2);
      const a = exportArchive({ timestamp: 0, ...withEveryBallot(counted, paged) });
      const b = exportArchive({ timestamp: 0, ...withEveryBallot(counted, old.r) });
      expect(Buffer.compare(a, b)).toBe(0);
    } finally {
      app.server.off('request', count);
    }

    // Each body is the transaction's own: the canonical bytes decode to the view, the receipt is its receipt.
    const page = await client.txBodyPage('main', { module: 'voting', subject: id, limit: 2 });
    expect(page.txs).toHaveLength(2);
    expect(page.next).toBeDefined();
    for (const t of page.txs) {
      const one = await client.txReceipt('main', t.hash);
      expect([t.tx, t.raw, t.receipt, t.receiptRaw]).toEqual([one.tx, one.raw, one.receipt, one.receiptRaw]);
    }
    const bySender = await client.txBodyPage('main', { sender: n.address('bureau'), limit: 1 });
    expect(bySender.txs.map((t) => t.sender)).toEqual([n.address('bureau')]);

    // Bad pages: a typed 400, nothing answered.
    const bad = async (q: string) => {
      const r = await fetch(`${server?.url}/v1/groups/main/txs/bodies?${q}`);
      const body = (await r.json()) as { error: { code: string; message: string } };
      return [r.status, body.error.code, body.error.message];
    };
    expect(await bad(`module=voting&subject=${id}&limit=101`)).toEqual([
      400,
      'API_BAD_REQUEST',
      'limit must be an integer 1..100',
    ]);
    expect((await bad(`module=voting&subject=${id}&limit=0`)).slice(0, 2)).toEqual([400, 'API_BAD_REQUEST']);
    expect((await bad(`subject=${id}`)).slice(0, 2)).toEqual([400, 'API_BAD_REQUEST']);
    expect((await bad('module=voting&beforeIndex=1')).slice(0, 2)).toEqual([400, 'API_BAD_REQUEST']);
    expect((await bad(`module=voting&sender=${n.address('bureau')}`)).slice(0, 2)).toEqual([
      400,
      'API_BAD_REQUEST',
    ]);
  }, 120_000);
});
