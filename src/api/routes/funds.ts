/**
 * Public read-only routes of the funds module for residents and donors: no key, no account.
 * Each answer is a funds query run on committed state (the same results as
 * `/v1/groups/{group}/query/funds/<name>`), gathered into the views a resident or a donor opens:
 * a fund's page (balance, books, reconciled statements, supervision log, latest expenses), an
 * expense, a period statement, and "where did my donation go".
 */
import type { FastifyPluginAsync } from 'fastify';
import { T } from '../../wire/index.js';
import { errorResponses, type GroupParams, groupParam, type RouteContext, uintString } from './context.js';

/** The public fund routes (all GET, no key). */
export const FUNDS_ROUTE_PATHS = {
  funds: '/v1/groups/:group/funds',
  fund: '/v1/groups/:group/funds/:fund',
  expenses: '/v1/groups/:group/funds/:fund/expenses',
  statement: '/v1/groups/:group/funds/:fund/statement',
  entries: '/v1/groups/:group/funds/:fund/entries',
  expense: '/v1/groups/:group/expenses/:id',
  trace: '/v1/groups/:group/donations/:id/trace',
  donor: '/v1/groups/:group/donors/:donor/donations',
} as const;

const anyObject = T.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });
const idPattern = '^[a-z0-9][a-z0-9-]{0,63}$';
const params = <P extends Record<string, ReturnType<typeof T.String>>>(extra: P) =>
  T.Object({ group: groupParam, ...extra }, { additionalProperties: false });
const fundParam = { fund: T.String({ pattern: idPattern, description: 'Fund id' }) };
const pageQuery = T.Object(
  {
    offset: T.Optional(uintString('first item, 0-based')),
    limit: T.Optional(uintString('page size ≤ 1000')),
  },
  { additionalProperties: false },
);
const schema = (
  summary: string,
  p: ReturnType<typeof params>,
  querystring?: ReturnType<typeof T.Object>,
) => ({
  summary,
  tags: ['funds'],
  params: p,
  ...(querystring === undefined ? {} : { querystring }),
  response: { 200: anyObject, ...errorResponses },
});

type Page = { offset?: string; limit?: string };
const defined = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;

export const fundsRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  const q = (group: string, name: string, args: Record<string, string> = {}) =>
    node.group(group).query('funds', name, args);

  api.get<{ Params: GroupParams }>(
    FUNDS_ROUTE_PATHS.funds,
    { schema: schema('Every fund of the group with its balance (public)', params({})) },
    async (req) => ({ funds: q(req.params.group, 'funds') }),
  );

  api.get<{ Params: GroupParams & { fund: string } }>(
    FUNDS_ROUTE_PATHS.fund,
    {
      schema: schema(
        'A fund’s public page: roles, balance, books, reconciled statements, supervision log, rule amendments, latest expenses',
        params(fundParam),
      ),
    },
    async (req) => {
      const { group, fund } = req.params;
      // The latest 50 expenses: read the count first, then the last page.
      const { total } = q(group, 'expenses', { fund, limit: '0' }) as { total: number };
      const offset = String(Math.max(0, total - 50));
      const expenses = q(group, 'expenses', { fund, offset, limit: '50' }) as {
        total: number;
        expenses: unknown[];
      };
      return {
        fund: q(group, 'fund', { fund }),
        books: q(group, 'books', { fund }),
        statements: q(group, 'statements', { fund }),
        log: q(group, 'log', { fund }),
        amendments: q(group, 'amendments', { fund }),
        expenses: expenses.expenses,
        expenseCount: expenses.total,
      };
    },
  );

  api.get<{ Params: GroupParams & { fund: string }; Querystring: Page }>(
    FUNDS_ROUTE_PATHS.expenses,
    { schema: schema('The expenses of a fund, oldest first (paged, public)', params(fundParam), pageQuery) },
    async (req) => q(req.params.group, 'expenses', defined({ fund: req.params.fund, ...req.query })),
  );

  api.get<{ Params: GroupParams & { fund: string }; Querystring: { from?: string; to?: string } }>(
    FUNDS_ROUTE_PATHS.statement,
    {
      schema: schema(
        'Public statement of a period [from, to) (ms): income and spending by category, balance',
        params(fundParam),
        T.Object(
          { from: T.Optional(uintString('period start, ms')), to: T.Optional(uintString('period end, ms')) },
          { additionalProperties: false },
        ),
      ),
    },
    async (req) => q(req.params.group, 'statement', defined({ fund: req.params.fund, ...req.query })),
  );

  api.get<{ Params: GroupParams & { fund: string }; Querystring: Page }>(
    FUNDS_ROUTE_PATHS.entries,
    {
      schema: schema(
        'The fund’s journal entries, each balanced (paged, public)',
        params(fundParam),
        pageQuery,
      ),
    },
    async (req) => q(req.params.group, 'entries', defined({ fund: req.params.fund, ...req.query })),
  );

  api.get<{ Params: GroupParams & { id: string } }>(
    FUNDS_ROUTE_PATHS.expense,
    {
      schema: schema(
        'An expense with its votes, payment, receipts and every transition (public)',
        params({ id: uintString('expense id') }),
      ),
    },
    async (req) => q(req.params.group, 'expense', { id: req.params.id }),
  );

  api.get<{ Params: GroupParams & { id: string } }>(
    FUNDS_ROUTE_PATHS.trace,
    {
      schema: schema(
        'Where a donation went: fee share and allocation to disbursements, to the fen (public, no account)',
        params({ id: uintString('donation id') }),
      ),
    },
    async (req) => q(req.params.group, 'trace', { id: req.params.id }),
  );

  api.get<{ Params: GroupParams & { donor: string }; Querystring: Page }>(
    FUNDS_ROUTE_PATHS.donor,
    {
      schema: schema(
        'The donation ids of a pseudonymous donor (public)',
        params({ donor: T.String({ pattern: '^[^/]{1,128}$', description: 'pseudonymous donor id' }) }),
        pageQuery,
      ),
    },
    async (req) => q(req.params.group, 'donorDonations', defined({ donor: req.params.donor, ...req.query })),
  );
};
