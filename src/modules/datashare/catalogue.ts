import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import {
  actsFor,
  type Dataset,
  FIELD_TYPES,
  type FieldDef,
  keys,
  LIMITS,
  ownedDataset,
  readCounter,
  readDataset,
  SHARING_CLASSES,
  writeCounter,
  writeDataset,
  writeVersion,
} from './state.js';

export type PublishArgs = Omit<Dataset, 'versions'>;

/**
 * `publish`: a department lists a dataset in the catalogue — its description, field names and
 * types (never values), sharing class, legal basis and update frequency.
 */
export const publish = defineMethod<PublishArgs>({
  summary: 'List a dataset in the catalogue: fields (names, types), sharing class, legal basis',
  args: S.Object(
    {
      id: S.Id('dataset id'),
      title: S.String({ minLength: 1, maxLength: LIMITS.title }),
      owner: S.Id('owning department (organisation id)'),
      fields: S.Array(
        S.Object({
          name: S.String({ minLength: 1, maxLength: LIMITS.fieldName }),
          type: S.Union(FIELD_TYPES.map((t) => S.Literal(t))),
        }),
        { minItems: 1, maxItems: LIMITS.fields },
      ),
      class: S.Union(
        SHARING_CLASSES.map((c) => S.Literal(c)),
        { description: 'open, conditional (owner decides) or not-shared (answers only)' },
      ),
      legalBasis: S.String({ minLength: 1, maxLength: LIMITS.text }),
      frequency: S.String({ minLength: 1, maxLength: LIMITS.title, description: 'e.g. daily, monthly' }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'title', 'owner', 'fields', 'class', 'legalBasis', 'frequency']);
    const fields: FieldDef[] = r.list('fields', LIMITS.fields, (f, at) => {
      const x = r.sub(f, at, ['name', 'type']);
      return { name: x.str('name', LIMITS.fieldName), type: x.oneOf('type', FIELD_TYPES) };
    });
    if (fields.length === 0) r.fail('fields', 'a non-empty list');
    if (new Set(fields.map((f) => f.name)).size !== fields.length)
      r.fail('fields', 'a list of distinct names');
    return {
      id: r.id('id'),
      title: r.str('title', LIMITS.title),
      owner: r.id('owner'),
      fields,
      class: r.oneOf('class', SHARING_CLASSES),
      legalBasis: r.str('legalBasis', LIMITS.text),
      frequency: r.str('frequency', LIMITS.title),
    };
  },
  check: ({ state, sender }, a) => {
    if (!actsFor(state, sender, a.owner)) {
      throw new GongzhiError('DATASHARE_NOT_OWNER', 'only the owning department may publish', {
        owner: a.owner,
      });
    }
    if (readDataset(state, a.id) !== undefined) {
      throw new GongzhiError('DATASHARE_EXISTS', 'dataset already in the catalogue', { dataset: a.id });
    }
  },
  apply: (ctx, a) => {
    writeDataset(ctx.state, { ...a, versions: 0 });
    const n = readCounter(ctx.state, keys.datasetCount());
    ctx.state.set(keys.datasetAt(n), a.id);
    writeCounter(ctx.state, keys.datasetCount(), n + 1);
    ctx.emit('published', { dataset: a.id, owner: a.owner, class: a.class });
  },
});

export interface AddVersionArgs {
  readonly dataset: string;
  readonly digest: Uint8Array;
  readonly size: number;
}

/** `addVersion`: the owner records a new version's digest (the suite's hash of the file) and size. */
export const addVersion = defineMethod<AddVersionArgs, Dataset>({
  summary: 'Record a new version of a dataset: its digest and size (the file stays with the owner)',
  args: S.Object(
    { dataset: S.Id(), digest: S.Hex(32, 'hash of the version’s bytes (suite hash)'), size: S.Uint('bytes') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['dataset', 'digest', 'size']);
    return { dataset: r.id('dataset'), digest: r.digest('digest'), size: r.uint('size') };
  },
  check: ({ state, sender }, a) => {
    const d = ownedDataset(state, a.dataset, sender);
    if (d.versions >= LIMITS.versions) {
      throw new GongzhiError('DATASHARE_LIMIT', 'too many versions', { max: LIMITS.versions });
    }
    return d;
  },
  apply: (ctx, a, d) => {
    const version = d.versions + 1;
    writeVersion(ctx.state, a.dataset, {
      version,
      digest: a.digest,
      size: a.size,
      height: ctx.height,
      timestamp: ctx.timestamp,
    });
    writeDataset(ctx.state, { ...d, versions: version });
    ctx.emit('versioned', { dataset: a.dataset, version, digest: a.digest, size: a.size });
  },
});
