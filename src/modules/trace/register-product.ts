import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readGtin, schemas } from './args.js';
import {
  addToList,
  LIMITS,
  listIds,
  type Product,
  readParticipant,
  registryKeys,
  writeProduct,
} from './registry.js';

/**
 * `registerProduct`: the trace admin registers (or updates) a product GTIN: its name, owner, the
 * net grams of one item (tins) and the least input : output ratio of the transformations that
 * make it (4:1 for dry tea from fresh leaf; 1:1 by default — nothing is made out of nothing).
 */
export const registerProduct = defineMethod<Product, { ids: readonly string[] }>({
  summary: 'Register or update a product: GTIN (check digit verified), unit weight, input:output ratio',
  args: S.Object(
    {
      gtin: schemas.gtin,
      name: schemas.name,
      owner: S.Id('participant that owns the brand'),
      unitGrams: S.Optional(S.Integer({ minimum: 1, maximum: 1_000_000_000 })),
      ratio: S.Optional(
        S.Object(
          {
            input: S.Integer({ minimum: 1, maximum: 1000 }),
            output: S.Integer({ minimum: 1, maximum: 1000 }),
          },
          { additionalProperties: false, description: 'least input per output (default 1:1)' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['gtin', 'name', 'owner', 'unitGrams', 'ratio']);
    let ratio = { input: 1, output: 1 };
    if (r.has('ratio')) {
      const q = r.nested('ratio', ['input', 'output']);
      ratio = { input: q.uint('input', 1000), output: q.uint('output', 1000) };
      if (ratio.input < 1) q.fail('input', '1..1000');
      if (ratio.output < 1) q.fail('output', '1..1000');
    }
    const unitGrams = r.has('unitGrams') ? r.uint('unitGrams', 1_000_000_000) : undefined;
    if (unitGrams === 0) r.fail('unitGrams', 'at least 1');
    return {
      gtin: readGtin(r, 'gtin'),
      name: r.str('name', LIMITS.name),
      owner: r.id('owner'),
      ...(unitGrams === undefined ? {} : { unitGrams }),
      ratio,
    };
  },
  check: ({ state }, p) => {
    if (readParticipant(state, p.owner) === undefined) {
      throw new GongzhiError('TRACE_UNKNOWN_PARTICIPANT', `no participant ${p.owner}`, {
        participant: p.owner,
      });
    }
    const ids = listIds(state, registryKeys.products());
    if (!ids.includes(p.gtin) && ids.length >= LIMITS.products) {
      throw new GongzhiError('TRACE_LIMIT', `at most ${LIMITS.products} products`, { max: LIMITS.products });
    }
    return { ids };
  },
  apply: (ctx, p, { ids }) => {
    writeProduct(ctx.state, p);
    addToList(ctx.state, registryKeys.products(), ids, p.gtin);
    ctx.emit('product', {
      gtin: p.gtin,
      owner: p.owner,
      ratioInput: p.ratio.input,
      ratioOutput: p.ratio.output,
    });
  },
});
