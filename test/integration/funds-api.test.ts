import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import type { FundNet } from '../../src/demos/community-fund.js';
import type { DonationTraceJson, ExpenseJson, FundJson } from '../../src/modules/funds/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { fundsScenario } from '../helpers/funds-scenario.js';

/** The public read-only fund routes over real HTTP, with no key and no account. */
describe('funds public routes', () => {
  const tmp = tempDir('gongzhi-funds-api-');
  let f: FundNet | undefined;
  let server: RunningServer | undefined;
  let url = '';
  let ids = { expense: 0, donation: 0, disbursement: 0 };

  beforeAll(async () => {
    const s = await fundsScenario(tmp.dir);
    f = s.f;
    ids = { expense: s.expense, donation: s.donation, disbursement: s.disbursement };
    server = await startServer(s.f.net.node, { host: '127.0.0.1', port: 0 });
    url = `${server.url}/v1/groups/main`;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await f?.stop();
    tmp.remove();
  });

  const get = async (path: string) => {
    const r = await fetch(`${url}${path}`);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('lists the funds and serves a fund’s public page: balance, balanced books, expenses', async () => {
    const list = await get('/funds');
    expect(list.status).toBe(200);
    expect((list.body.funds as FundJson[]).map((x) => [x.id, x.balance])).toEqual([
      ['maint', 380_000],
      ['relief', 3_000],
    ]);
    const page = await get('/funds/maint');
    expect(page.status).toBe(200);
    const books = page.body.books as { debits: number; credits: number };
    expect(books.debits).toBe(books.credits);
    expect((page.body.expenses as ExpenseJson[]).map((e) => e.status)).toEqual(['receipted']);
    expect(page.body.expenseCount).toBe(1);
    const e = await get(`/expenses/${ids.expense}`);
    expect(e.body).toMatchObject({ amount: 120_000, status: 'receipted', payment: { reference: 'DR-1' } });
    const st = await get('/funds/maint/statement');
    expect(st.body).toMatchObject({
      income: 500_000,
      payments: 120_000,
      spendingByCategory: { cleaning: 120_000 },
    });
    const entries = await get('/funds/maint/entries?limit=1');
    expect(entries.body.total).toBe(2);
    expect((entries.body.entries as unknown[]).length).toBe(1);
  });

  it('traces a donation to the fen and lists a donor’s donations', async () => {
    const t = await get(`/donations/${ids.donation}/trace`);
    expect(t.status).toBe(200);
    const trace = t.body as unknown as DonationTraceJson;
    expect(trace).toMatchObject({ amount: 10_000, fee: 200, net: 9_800, unallocated: 0 });
    expect(trace.allocations.map((a) => [a.disbursement, a.amount, a.status])).toEqual([
      [ids.disbursement, 9_800, 'paid'],
    ]);
    const d = await get('/donors/donor-abc/donations');
    expect(d.body).toEqual({ donor: 'donor-abc', total: 1, donations: [ids.donation] });
  });

  it('answers unknown records with the module code and its hint, bad parameters with 400', async () => {
    const missing = await get('/donations/999/trace');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'FUNDS_NOT_FOUND', details: { donation: 999 } });
    expect(String((missing.body.error as { hint: string }).hint)).toMatch(/list them first/);
    const nofund = await get('/funds/nope');
    expect(nofund.status).toBe(404);
    const bad = await get('/donations/abc/trace');
    expect(bad.status).toBe(400);
  });

  it('documents the routes in OpenAPI', async () => {
    const r = await fetch(`${server?.url}/openapi.json`);
    const doc = (await r.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/groups/{group}/funds/{fund}', '/v1/groups/{group}/donations/{id}/trace']),
    );
  });
});
