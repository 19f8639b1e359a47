import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S, writeStored } from '../../execution/index.js';
import { isElement } from '../../voting-crypto/belenios/index.js';
import { VoteCryptoError } from '../../voting-crypto/index.js';
import { bytesElement } from './belenios-state.js';
import {
  electionCodec,
  keys,
  readCredentialIndex,
  readElection,
  readQuestion,
  readRule,
  uintCodec,
  voterCodec,
} from './codecs.js';
import { assertRegistrar, at, groupOf, loadElection } from './common.js';
import { EMPTY_ROOT, electorateStep } from './fingerprint.js';
import { assertOwnerSource, assertOwners, ownerKey, ownerSourceSchema, readOwnerSource } from './owners.js';
import { ART_278, MATTERS, type MajorityRule, type Matter } from './rules.js';
import {
  ELECTION_GROUPS,
  type Election,
  type ElectionGroup,
  type ElectionKind,
  KINDS,
  LIMITS,
  type OwnerSource,
  type Question,
  type Voter,
} from './types.js';

/** Arguments of `voting.create`. */
export interface CreateArgs {
  readonly id: string;
  readonly kind: ElectionKind;
  readonly title: string;
  readonly group: ElectionGroup;
  readonly maxWeight: number;
  readonly matter?: Matter;
  readonly rule?: MajorityRule;
  readonly questions: readonly Question[];
  readonly trustees: readonly string[];
  readonly threshold: number;
  readonly owners?: OwnerSource;
}

const fractionSchema = S.Object({
  num: S.Integer({ minimum: 1, maximum: 1000 }),
  den: S.Integer({ minimum: 1, maximum: 1000 }),
});
const ruleSchema = S.Object(
  { quorum: fractionSchema, pass: fractionSchema, strict: S.Boolean() },
  { description: 'double-majority rule (default: PRC Civil Code art. 278 for the matter)' },
);

function validRule(r: MajorityRule): boolean {
  const ok = (f: { num: number; den: number }) => f.num >= 1 && f.den >= 1 && f.num <= f.den;
  return ok(r.quorum) && ok(r.pass);
}

/**
 * `create`: a registrar opens an election's setup. A resolution names its matter (ordinary or
 * major: the art. 278 rule) or an explicit rule; an election names its questions, trustee
 * accounts and threshold, and may name a rule applied to each answer.
 */
export const create = defineMethod<CreateArgs>({
  summary: 'Create an open resolution or a secret election (registrar)',
  args: S.Object(
    {
      id: S.Id('election id'),
      kind: S.Union(KINDS.map((k) => S.Literal(k))),
      title: S.String({ maxLength: LIMITS.title }),
      group: S.Optional(
        S.Union(
          ELECTION_GROUPS.map((g) => S.Literal(g)),
          { description: 'default ed25519; BELENIOS-2048 runs Belenios 2.0’s protocol (exportable as .bel)' },
        ),
      ),
      maxWeight: S.Optional(S.Integer({ minimum: 1, maximum: LIMITS.maxWeight })),
      matter: S.Optional(S.Union(MATTERS.map((m) => S.Literal(m)))),
      rule: S.Optional(ruleSchema),
      questions: S.Optional(
        S.Array(
          S.Object({
            question: S.String({ maxLength: LIMITS.question }),
            answers: S.Array(S.String({ maxLength: LIMITS.answer }), {
              minItems: 1,
              maxItems: LIMITS.answers,
            }),
            min: S.Uint(),
            max: S.Uint(),
          }),
          { maxItems: LIMITS.questions },
        ),
      ),
      trustees: S.Optional(
        S.Array(S.String(), { maxItems: LIMITS.trustees, description: 'trustee accounts' }),
      ),
      threshold: S.Optional(S.Integer({ minimum: 1, maximum: LIMITS.trustees })),
      owners: S.Optional(ownerSourceSchema),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, [
      'id',
      'kind',
      'title',
      'group',
      'maxWeight',
      'matter',
      'rule',
      'questions',
      'trustees',
      'threshold',
      'owners',
    ]);
    const kind = r.oneOf('kind', KINDS);
    const base = {
      id: r.id('id'),
      kind,
      title: r.str('title', LIMITS.title),
      group: r.has('group') ? r.oneOf('group', ELECTION_GROUPS) : ('ed25519' as const),
      maxWeight: r.has('maxWeight') ? r.uint('maxWeight', LIMITS.maxWeight) : LIMITS.defaultMaxWeight,
    };
    if (base.maxWeight < 1) r.fail('maxWeight', `1..${LIMITS.maxWeight}`);
    const matter = r.has('matter') ? r.oneOf('matter', MATTERS) : undefined;
    const rule = r.has('rule') ? readRule(r, 'rule') : matter === undefined ? undefined : ART_278[matter];
    if (rule !== undefined && !validRule(rule)) {
      throw new GongzhiError('VOTING_BAD_RULE', 'each fraction must be num/den with 1 ≤ num ≤ den ≤ 1000', {
        field: 'rule',
      });
    }
    const extra = {
      ...(matter === undefined ? {} : { matter }),
      ...(rule === undefined ? {} : { rule }),
      ...(r.has('owners') ? { owners: readOwnerSource(r, 'owners') } : {}),
    };
    if (kind === 'resolution') {
      if (base.group !== 'ed25519') r.fail('group', 'ed25519 for a resolution (its votes are open)');
      if (rule === undefined) r.fail('matter', 'ordinary or major (or give a rule) for a resolution');
      for (const f of ['questions', 'trustees', 'threshold'])
        if (r.has(f)) r.fail(f, 'absent for a resolution');
      return { ...base, ...extra, questions: [], trustees: [], threshold: 0 };
    }
    const questions = r.list('questions', LIMITS.questions, (q, p) => readQuestion(r, q, p));
    if (questions.length === 0) r.fail('questions', 'at least one question');
    questions.forEach((q, i) => {
      if (q.answers.length === 0 || q.min > q.max || q.max > q.answers.length) {
        r.fail('questions', `answers ≥ 1 and min ≤ max ≤ answers (question ${i})`);
      }
    });
    const trustees = r.strs('trustees', LIMITS.trustees, 128, true);
    if (trustees.length === 0) r.fail('trustees', 'at least one trustee account');
    const threshold = r.uint('threshold', trustees.length);
    if (threshold < 1) r.fail('threshold', `1..${trustees.length}`);
    return { ...base, ...extra, questions, trustees, threshold };
  },
  check: ({ state }, a) => {
    if (readElection(state, a.id) !== undefined) {
      throw new GongzhiError('VOTING_EXISTS', 'an election with this id exists', { id: a.id });
    }
    if (a.owners !== undefined) assertOwnerSource(state, a.owners);
  },
  apply: (ctx, a) => {
    const e: Election = {
      ...a,
      registrar: ctx.sender,
      ledger: { chain: ctx.chain, group: ctx.group },
      phase: 'setup',
      electorate: { count: 0, totalWeight: 0, root: EMPTY_ROOT },
      created: at(ctx),
    };
    writeStored(ctx.state, keys.election(a.id), electionCodec, e);
    ctx.emit('created', { id: a.id, kind: a.kind, registrar: ctx.sender });
  },
});

/** An election without owner credentials takes none (VOTING_OWNER_ISSUER). */
function noOwners(a: EnrolArgs): number[] {
  if (a.voters.some((v) => v.owner !== undefined)) {
    throw new GongzhiError('VOTING_OWNER_ISSUER', 'this election names no owner-credential issuer', {
      id: a.election,
    });
  }
  return [];
}

/** Arguments of `voting.enrol`. */
export interface EnrolArgs {
  readonly election: string;
  readonly voters: readonly {
    readonly credential: Uint8Array;
    readonly weight: number;
    /** Her owner credential's status index, when the election names owner credentials. */
    readonly owner?: number;
  }[];
}

/**
 * `enrol`: the registrar adds voters (credential public key + weight) while the electorate is
 * open for enrolment. The resident ↔ credential link stays with the credential authority.
 */
export const enrol = defineMethod<EnrolArgs, { election: Election; voters: Voter[]; owners: number[] }>({
  summary: 'Enrol voters: voting credential public keys with their weights (registrar)',
  args: S.Object(
    {
      election: S.Id(),
      voters: S.Array(
        S.Object({
          credential: S.Hex(
            undefined,
            'ristretto255 public key (32 bytes) or BELENIOS-2048 g^s (256 bytes, big-endian)',
          ),
          weight: S.Uint('weight units'),
          owner: S.Optional(S.Uint('owner credential’s status index (elections naming `owners`)')),
        }),
        {
          minItems: 1,
          maxItems: LIMITS.enrolBatch,
        },
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'voters']);
    const voters = r.list('voters', LIMITS.enrolBatch, (x, p) => {
      const s = r.sub(x, p, ['credential', 'weight', 'owner']);
      const credential = s.raw('credential');
      if (!(credential instanceof Uint8Array) || (credential.length !== 32 && credential.length !== 256)) {
        throw new GongzhiError('VOTING_BAD_CREDENTIAL', `${p}.credential must be 32 (or 256) bytes`, {
          field: 'credential',
        });
      }
      return {
        credential,
        weight: s.uint('weight'),
        ...(s.has('owner') ? { owner: s.uint('owner') } : {}),
      };
    });
    if (voters.length === 0) r.fail('voters', 'at least one voter');
    return { election: r.id('election'), voters };
  },
  check: (ctx, a) => {
    const e = loadElection(ctx.state, a.election);
    assertRegistrar(ctx, e);
    if (e.phase !== 'setup')
      throw new GongzhiError('VOTING_FROZEN', 'the electorate is frozen', { id: e.id });
    const owners =
      e.owners === undefined
        ? noOwners(a)
        : assertOwners(
            ctx.state,
            e.id,
            e.owners,
            a.voters.map((v) => v.owner),
          );
    const valid =
      e.group === 'BELENIOS-2048'
        ? (c: Uint8Array) => c.length === 256 && isElement(bytesElement(c))
        : (c: Uint8Array) => {
            try {
              groupOf(e).decode(c);
              return true;
            } catch (err) {
              if (!(err instanceof VoteCryptoError)) throw err;
              return false;
            }
          };
    const seen = new Set<string>();
    let { count, totalWeight, root } = e.electorate;
    const voters: Voter[] = [];
    for (const v of a.voters) {
      const hex = toHex(v.credential);
      if (!valid(v.credential)) {
        throw new GongzhiError('VOTING_BAD_CREDENTIAL', `not a ${e.group} group element`, {
          credential: hex,
        });
      }
      if (v.weight < 1 || v.weight > e.maxWeight) {
        throw new GongzhiError('VOTING_BAD_WEIGHT', `weight must be 1..${e.maxWeight}`, {
          credential: hex,
          weight: v.weight,
        });
      }
      if (seen.has(hex) || readCredentialIndex(ctx.state, e.id, hex) !== undefined) {
        throw new GongzhiError('VOTING_ALREADY_ENROLLED', 'this credential is enrolled already', {
          credential: hex,
        });
      }
      if (count >= LIMITS.voters)
        throw new GongzhiError('VOTING_BAD_WEIGHT', `at most ${LIMITS.voters} voters`);
      seen.add(hex);
      voters.push({ index: count, credential: v.credential, weight: v.weight });
      count += 1;
      totalWeight += v.weight;
      root = electorateStep(root, v.credential, v.weight);
    }
    return { election: { ...e, electorate: { count, totalWeight, root } }, voters, owners };
  },
  apply: (ctx, a, p) => {
    p.voters.forEach((v, i) => {
      writeStored(ctx.state, keys.voter(a.election, v.index), voterCodec, v);
      writeStored(ctx.state, keys.credential(a.election, toHex(v.credential)), uintCodec, v.index);
      const owner = p.owners[i];
      if (owner !== undefined) writeStored(ctx.state, ownerKey(a.election, owner), uintCodec, v.index);
    });
    writeStored(ctx.state, keys.election(a.election), electionCodec, p.election);
    ctx.emit('enrolled', { id: a.election, voters: p.voters.length, count: p.election.electorate.count });
  },
});

/** `freeze`: fix the electorate (count, total weight, root) before voting opens. */
export const freeze = defineMethod<{ election: string }, Election>({
  summary: 'Freeze the electorate: no enrolment after this (registrar)',
  args: S.Object({ election: S.Id() }, { additionalProperties: false }),
  parse: (v) => ({ election: readArgs(v, ['election']).id('election') }),
  check: (ctx, a) => {
    const e = loadElection(ctx.state, a.election);
    assertRegistrar(ctx, e);
    if (e.phase !== 'setup')
      throw new GongzhiError('VOTING_FROZEN', 'the electorate is frozen already', { id: e.id });
    if (e.electorate.count === 0)
      throw new GongzhiError('VOTING_EMPTY_ELECTORATE', 'no voter enrolled', { id: e.id });
    return { ...e, phase: 'frozen' };
  },
  apply: (ctx, a, e) => {
    writeStored(ctx.state, keys.election(a.election), electionCodec, e);
    ctx.emit('frozen', {
      id: a.election,
      count: e.electorate.count,
      totalWeight: e.electorate.totalWeight,
      root: e.electorate.root,
    });
  },
});
