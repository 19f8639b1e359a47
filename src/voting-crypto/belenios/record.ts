import { ArchiveWriter, readTar } from './archive.js';
import {
  type BallotJson,
  type CheckedBallot,
  checkBallot,
  type ElectionJson,
  type QuestionJson,
} from './ballot.js';
import { BELENIOS_GROUP, BeleniosError, hashJson, mul, pow, readElement, sha256Hex } from './group.js';
import {
  type Ct,
  type CtsJson,
  checkPartialDecryption,
  combineFactors,
  ctsJson,
  decryptResult,
  encryptedTally,
  lagrange,
  type PartialDecryptionJson,
} from './tally.js';
import { checkThreshold, checkTrusteePublicKey, type TrusteeKindJson } from './trustees.js';

/**
 * Everything a Belenios 2.0 archive carries, as exact JSON strings (hashes are over the bytes:
 * the election's fingerprint, every payload's file name). `ballots` in the order accepted;
 * `partials[].owner` is the 1-based position of the trustee in the flattened `trustees` list.
 */
export interface BeleniosRecord {
  readonly timestamp: number;
  readonly election: string;
  readonly trustees: string;
  readonly credentials: string;
  readonly ballots: readonly string[];
  readonly tally?: { readonly encrypted: string; readonly numTallied: number; readonly totalWeight: number };
  readonly partials: readonly { readonly owner: number; readonly json: string }[];
  readonly result?: string;
}

export function electionString(e: {
  name: string;
  description: string;
  publicKey: bigint;
  questions: readonly QuestionJson[];
  uuid: string;
}): string {
  const el: ElectionJson = {
    version: 1,
    description: e.description,
    name: e.name,
    group: BELENIOS_GROUP,
    public_key: e.publicKey.toString(),
    questions: e.questions.map((q) => ({
      answers: [...q.answers],
      min: q.min,
      max: q.max,
      question: q.question,
    })),
    uuid: e.uuid,
  };
  return JSON.stringify(el);
}

/** `public_credentials`: `"<g^s>,<weight>"` per voter (weights always written). */
export const credentialsString = (voters: readonly { credential: bigint; weight: number }[]): string =>
  JSON.stringify(voters.map((v) => `${v.credential},${v.weight}`));

/** The archive: setup, each ballot, end of ballots, tally, partial decryptions, result. */
export function exportArchive(r: BeleniosRecord): Uint8Array {
  const w = new ArchiveWriter(r.timestamp);
  const election = w.data(r.election);
  const trustees = w.data(r.trustees);
  const credentials = w.data(r.credentials);
  w.event('Setup', w.data(JSON.stringify({ election, trustees, credentials })));
  for (const b of r.ballots) w.event('Ballot', w.data(b));
  if (r.tally === undefined) return w.bytes();
  w.event('EndBallots');
  const et = w.data(r.tally.encrypted);
  w.event(
    'EncryptedTally',
    w.data(
      JSON.stringify({
        num_tallied: r.tally.numTallied,
        total_weight: r.tally.totalWeight,
        encrypted_tally: et,
      }),
    ),
  );
  for (const p of r.partials)
    w.event('PartialDecryption', w.data(JSON.stringify({ owner: p.owner, payload: w.data(p.json) })));
  if (r.result !== undefined) w.event('Result', w.data(r.result));
  return w.bytes();
}

/** The weight of each public credential; duplicates refused. */
export function readCredentials(s: string): Map<string, number> {
  const list = JSON.parse(s) as unknown;
  if (!Array.isArray(list)) throw new BeleniosError('BAD_SHAPE', 'public credentials: a list');
  const out = new Map<string, number>();
  for (const item of list) {
    const [cred, w] = String(item).split(',');
    const weight = w === undefined || w === '' ? 1 : Number(w);
    if (!Number.isSafeInteger(weight) || weight < 1)
      throw new BeleniosError('BAD_SHAPE', 'public credentials: bad weight');
    readElement(cred, 'public credential');
    if (out.has(cred as string)) throw new BeleniosError('BAD_SHAPE', 'public credentials: duplicate');
    out.set(cred as string, weight);
  }
  return out;
}

/** One verified trustee position: its key, and which Pedersen item (with its index set) if any. */
interface Position {
  readonly key: bigint;
  readonly item: number;
  readonly index: number;
}

/**
 * Our own audit of a record (with partial decryptions but no result yet, it computes the result), the checks `belenios-tool election verify` makes: trustee keys and
 * threshold parameters, the election key, every ballot (proofs, signature, enrolled credential),
 * the encrypted tally recomputed over the last ballot of each credential, each partial decryption's
 * proofs, and the result. Throws BeleniosError naming the first failed check.
 */
export function verifyRecord(r: BeleniosRecord): { result?: number[][]; ballots: number } {
  const election = JSON.parse(r.election) as ElectionJson;
  if (election.group !== BELENIOS_GROUP)
    throw new BeleniosError('BAD_SHAPE', `group ${election.group} not supported`);
  const fp = hashJson(r.election);
  const kinds = JSON.parse(r.trustees) as TrusteeKindJson[];
  const positions: Position[] = [];
  let y = 1n;
  kinds.forEach((k, item) => {
    if (k[0] === 'Single') {
      const X = checkTrusteePublicKey(election.group, k[1], `trustees[${item}]`);
      positions.push({ key: X, item, index: 1 });
      y = mul(y, X);
    } else {
      const t = checkThreshold(election.group, k[1]);
      for (const [j, key] of t.keys.entries()) positions.push({ key, item, index: j + 1 });
      y = mul(y, t.subKey);
    }
  });
  if (y.toString() !== election.public_key)
    throw new BeleniosError('BAD_PROOF', 'the election key is not the trustees’ key');
  const creds = readCredentials(r.credentials);
  const last = new Map<string, CheckedBallot>();
  for (const [i, s] of r.ballots.entries()) {
    const b = checkBallot(r.election, election, JSON.parse(s) as BallotJson);
    const key = b.credential.toString();
    if (!creds.has(key))
      throw new BeleniosError('BAD_SIGNATURE', `ballot ${i}: credential not in the electorate`);
    last.delete(key);
    last.set(key, b);
  }
  if (r.tally === undefined) return { ballots: last.size };
  const counted = [...last.values()].map((ballot) => ({
    ballot,
    weight: creds.get(ballot.credential.toString()) as number,
  }));
  const tally = recomputeTally(election, counted);
  const given = JSON.parse(r.tally.encrypted) as CtsJson;
  if (JSON.stringify(given) !== JSON.stringify(tally.json))
    throw new BeleniosError('BAD_PROOF', 'the encrypted tally is not the product of the ballots');
  const totalWeight = counted.reduce((a, c) => a + c.weight, 0);
  if (r.tally.numTallied !== counted.length || r.tally.totalWeight !== totalWeight) {
    throw new BeleniosError('BAD_SHAPE', 'num_tallied / total_weight do not match the ballots');
  }
  if (r.result === undefined && r.partials.length === 0) return { ballots: counted.length };
  const F = combine(fp, kinds, positions, tally.cts, r.partials);
  const result = decryptResult(tally.cts, F, totalWeight);
  if (r.result !== undefined && JSON.stringify({ result }) !== r.result) {
    throw new BeleniosError('BAD_PROOF', 'the result is not the decrypted tally');
  }
  return { result, ballots: counted.length };
}

function recomputeTally(
  election: ElectionJson,
  counted: readonly { ballot: CheckedBallot; weight: number }[],
): { cts: Ct[][]; json: CtsJson } {
  const cts = encryptedTally(election.questions, counted);
  return { cts, json: ctsJson(cts) };
}

function combine(
  fp: string,
  kinds: readonly TrusteeKindJson[],
  positions: readonly Position[],
  tally: Ct[][],
  partials: BeleniosRecord['partials'],
): bigint[][] {
  const byItem = new Map<number, { index: number; factors: bigint[][] }[]>();
  for (const p of partials) {
    const pos = positions[p.owner - 1];
    if (pos === undefined)
      throw new BeleniosError('BAD_SHAPE', `partial decryption from unknown trustee ${p.owner}`);
    const factors = checkPartialDecryption(fp, pos.key, tally, JSON.parse(p.json) as PartialDecryptionJson);
    const list = byItem.get(pos.item) ?? [];
    list.push({ index: pos.index, factors });
    byItem.set(pos.item, list);
  }
  const parts = kinds.map((k, item) => {
    const got = byItem.get(item) ?? [];
    const need = k[0] === 'Single' ? 1 : k[1].threshold;
    if (got.length < need)
      throw new BeleniosError('BAD_SHAPE', `trustees[${item}]: ${need} partial decryption(s) needed`);
    if (k[0] === 'Single') return (got[0] as { factors: bigint[][] }).factors;
    const used = got.slice(0, need);
    const ids = used.map((u) => u.index);
    return combineFactors(
      used.map((u) => u.factors.map((q) => q.map((f) => pow(f, lagrange(u.index, ids))))),
    );
  });
  return combineFactors(parts);
}

/**
 * The record inside a `.bel` archive (ours or Belenios'): walks the event chain from `Setup`,
 * checking each file's name is the SHA-256 of its bytes and each event's parent and height.
 */
export function readArchive(bytes: Uint8Array): BeleniosRecord {
  const dec = new TextDecoder();
  const files = new Map<string, string>();
  let timestamp = 0;
  const events: { type: string; payload?: string }[] = [];
  let parent: string | undefined;
  for (const m of readTar(bytes)) {
    const text = dec.decode(m.content);
    if (m.name === 'BELENIOS') {
      timestamp = Number((JSON.parse(text) as { timestamp?: unknown }).timestamp ?? 0);
      continue;
    }
    const h = sha256Hex(m.content);
    if (!m.name.startsWith(h))
      throw new BeleniosError('BAD_SHAPE', `${m.name}: name is not the SHA-256 of its content`);
    files.set(h, text);
    if (m.name.endsWith('.event.json')) {
      const e = JSON.parse(text) as { parent?: string; height: number; type: string; payload?: string };
      if (e.parent !== parent || e.height !== events.length)
        throw new BeleniosError('BAD_SHAPE', `event ${h}: broken chain`);
      parent = h;
      events.push({ type: e.type, ...(e.payload === undefined ? {} : { payload: e.payload }) });
    }
  }
  const get = (h: string | undefined): string => {
    const s = h === undefined ? undefined : files.get(h);
    if (s === undefined) throw new BeleniosError('BAD_SHAPE', `payload ${h} missing`);
    return s;
  };
  const setup = events[0];
  if (setup?.type !== 'Setup') throw new BeleniosError('BAD_SHAPE', 'the first event is not Setup');
  const sd = JSON.parse(get(setup.payload)) as { election: string; trustees: string; credentials: string };
  const ballots: string[] = [];
  const partials: { owner: number; json: string }[] = [];
  let tally: BeleniosRecord['tally'];
  let result: string | undefined;
  for (const e of events.slice(1)) {
    if (e.type === 'Ballot') ballots.push(get(e.payload));
    else if (e.type === 'EncryptedTally') {
      const s = JSON.parse(get(e.payload)) as {
        num_tallied: number;
        total_weight: number;
        encrypted_tally: string;
      };
      tally = { encrypted: get(s.encrypted_tally), numTallied: s.num_tallied, totalWeight: s.total_weight };
    } else if (e.type === 'PartialDecryption') {
      const o = JSON.parse(get(e.payload)) as { owner: number; payload: string };
      partials.push({ owner: o.owner, json: get(o.payload) });
    } else if (e.type === 'Result') result = get(e.payload);
  }
  return {
    timestamp,
    election: get(sd.election),
    trustees: get(sd.trustees),
    credentials: get(sd.credentials),
    ballots,
    ...(tally === undefined ? {} : { tally }),
    partials,
    ...(result === undefined ? {} : { result }),
  };
}
