import { GongzhiError } from '../../errors/index.js';
import { readArgs, S, stringListCodec } from '../../execution/index.js';
import { readAddr, readAddrs, readAmount, readId, schemas } from './args.js';
import type { Env } from './env.js';
import { itemCodec } from './item.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { recordSpend } from './spend-trail.js';
import { type Cause, MAX_AMOUNT, MAX_SWEEP, type Program } from './types.js';

/** Most entries of a program's catalogue. */
const MAX_ITEMS = 10_000;

/** A member moves points to another member, under the program's transfer policy. Lots move as they are. */
const transfer = pointsMethod<{ program: string; to: string; amount: number }>({
  summary: 'Move points to another member, under the program’s transfer policy (lots move as they are)',
  args: S.Object(
    { program: schemas.id('program id'), to: schemas.addr('the receiving member'), amount: schemas.amount() },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'to', 'amount']);
    return { program: readId(a, 'program'), to: readAddr(a, 'to'), amount: readAmount(a, 'amount') };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireHolder(p, env.sender);
    if (a.to === env.sender) throw new GongzhiError('POINTS_BAD_AMOUNT', 'cannot transfer to oneself');
    const refuse = (why: string): never => {
      throw new GongzhiError('POINTS_TRANSFER_NOT_ALLOWED', why, { program: p.id, policy: p.transfer });
    };
    if (p.transfer === 'none') refuse('this program does not allow transfers');
    if (
      p.transfer === 'relationships' &&
      !(env.has(keys.relation(p.id, env.sender, a.to)) && env.has(keys.relation(p.id, a.to, env.sender)))
    ) {
      refuse('transfers go only to listed relationships (listed both ways)');
    }
    env.requireMember(p, a.to);
    const books = env.booksOf(p);
    books.lots.prepareSpend(env.sender, a.amount, false);
    books.journal.begin('transfer', a.to);
    const pieces = books.lots.take(env.sender, a.amount);
    books.lots.give(a.to, pieces);
    books.journal.end();
    // which stamps went to whom: a dispute of an award follows its units to the recipient
    recordSpend(env, books, env.sender, 'transfer', pieces, () => `user:${a.to}`);
    books.aggregates.add('transferred', a.amount);
    env.emit('transferred', { program: p.id, from: env.sender, to: a.to, amount: a.amount });
  },
});

// ---- catalogue ------------------------------------------------------------------------------

/** A redemption platform lists (or re-prices, restocks) a catalogue item priced in points. */
const listItem = pointsMethod<{ program: string; item: string; name: string; price: number; stock: number }>({
  summary: 'List, re-price or restock a catalogue item priced in points (a platform)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      item: schemas.id('item id'),
      name: S.String({ minLength: 1, maxLength: 128 }),
      price: schemas.amount('points'),
      stock: S.Optional(S.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'absent: unlimited' })),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'item', 'name', 'price', 'stock']);
    return {
      program: readId(a, 'program'),
      item: readId(a, 'item'),
      name: a.str('name', 128),
      price: readAmount(a, 'price'),
      stock: a.has('stock') ? a.uint('stock', MAX_AMOUNT) : -1,
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'platform');
    const key = keys.item(p.id, env.sender, a.item);
    if (!env.has(key)) {
      const list = env.read(keys.itemList(p.id), stringListCodec) ?? [];
      if (list.length >= MAX_ITEMS) throw new GongzhiError('POINTS_LIMIT', 'catalogue is full');
      env.write(keys.itemList(p.id), stringListCodec, [...list, `${env.sender}/${a.item}`]);
    }
    env.write(key, itemCodec, {
      platform: env.sender,
      item: a.item,
      name: a.name,
      price: a.price,
      stock: a.stock,
      listed: true,
    });
    env.emit('itemListed', { program: p.id, platform: env.sender, item: a.item, price: a.price });
  },
});

const delistItem = pointsMethod<{ program: string; item: string }>({
  summary: 'Withdraw a catalogue item (a platform)',
  args: S.Object(
    { program: schemas.id('program id'), item: schemas.id('item id') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'item']);
    return { program: readId(a, 'program'), item: readId(a, 'item') };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'platform');
    const key = keys.item(p.id, env.sender, a.item);
    const prev = env.read(key, itemCodec);
    if (prev === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'no such item', { item: a.item });
    env.write(key, itemCodec, { ...prev, listed: false });
    env.emit('itemDelisted', { program: p.id, platform: env.sender, item: a.item });
  },
});

/**
 * A member redeems a catalogue item: its points are burned into `redeemed:<platform>` (oldest lots
 * first) and, with money, each lot's backing moves from its sponsor's reserve to what the sponsor
 * owes the platform this period.
 */
interface RedeemArgs {
  readonly program: string;
  readonly platform: string;
  readonly item: string;
  readonly quantity: number;
  /** The unit price the member saw (exact). */
  readonly price?: number;
  /** The most points the member agreed to pay in all. */
  readonly maxPoints?: number;
}

/** POINTS_PRICE_CHANGED unless the cost is what the member agreed to (a re-price in between shows). */
function assertAgreedPrice(a: RedeemArgs, price: number, cost: number): void {
  if ((a.price !== undefined && a.price !== price) || (a.maxPoints !== undefined && cost > a.maxPoints)) {
    throw new GongzhiError('POINTS_PRICE_CHANGED', 'the item’s price is not the one agreed', {
      item: a.item,
      price,
      cost,
      ...(a.price === undefined ? {} : { seen: a.price }),
      ...(a.maxPoints === undefined ? {} : { maxPoints: a.maxPoints }),
    });
  }
}

const redeem = pointsMethod<RedeemArgs>({
  summary: 'Redeem points for a catalogue item; with money, the sponsors then owe the platform',
  args: S.Object(
    {
      program: schemas.id('program id'),
      platform: schemas.addr('the platform that listed the item'),
      item: schemas.id('item id'),
      quantity: S.Optional(schemas.amount('how many (default 1)')),
      price: S.Optional(schemas.amount('the unit price seen (refused if it changed)')),
      maxPoints: S.Optional(schemas.amount('the most points to pay in all')),
    },
    { additionalProperties: false, description: 'give price, maxPoints or both' },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'platform', 'item', 'quantity', 'price', 'maxPoints']);
    if (!a.has('price') && !a.has('maxPoints')) {
      throw new GongzhiError('EXEC_BAD_ARGS', 'args.price (the price seen) or args.maxPoints is required', {
        field: 'price',
      });
    }
    return {
      program: readId(a, 'program'),
      platform: readAddr(a, 'platform'),
      item: readId(a, 'item'),
      quantity: a.has('quantity') ? readAmount(a, 'quantity') : 1,
      ...(a.has('price') ? { price: readAmount(a, 'price') } : {}),
      ...(a.has('maxPoints') ? { maxPoints: readAmount(a, 'maxPoints') } : {}),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireHolder(p, env.sender);
    env.requireRole(p, 'platform', a.platform);
    env.requireNotFrozen(p, a.platform);
    const key = keys.item(p.id, a.platform, a.item);
    const item = env.read(key, itemCodec);
    if (!item?.listed) {
      throw new GongzhiError('POINTS_NOT_FOUND', 'no such item listed', {
        platform: a.platform,
        item: a.item,
      });
    }
    if (item.stock >= 0 && item.stock < a.quantity) {
      throw new GongzhiError('POINTS_OUT_OF_STOCK', 'not enough stock', { item: a.item, stock: item.stock });
    }
    const cost = item.price * a.quantity;
    if (!Number.isSafeInteger(cost) || cost > MAX_AMOUNT) {
      throw new GongzhiError('POINTS_BAD_AMOUNT', 'cost exceeds the amount limit');
    }
    assertAgreedPrice(a, item.price, cost);
    const books = env.booksOf(p);
    books.lots.prepareSpend(env.sender, cost, false);
    books.journal.begin('redeem', `${a.platform}/${a.item}`);
    const pieces = books.lots.take(env.sender, cost);
    books.accounts.post(`redeemed:${a.platform}`, cost);
    const to = (s: string) => `payable:${s}:${a.platform}`;
    const money = books.accounts.releaseBacking(pieces, to, true);
    books.journal.end();
    recordSpend(env, books, env.sender, 'redeem', pieces, to);
    // unlimited stock: the catalogue entry does not change (the journal records what was redeemed)
    if (item.stock >= 0) env.write(key, itemCodec, { ...item, stock: item.stock - a.quantity });
    books.aggregates.add('redeemed', cost);
    books.aggregates.add('redeemedMoney', money);
    books.aggregates.addForArea(books.lots.holder(env.sender)?.area ?? '', 'redeemed', cost);
    env.emit('redeemed', {
      program: p.id,
      user: env.sender,
      platform: a.platform,
      item: a.item,
      quantity: a.quantity,
      points: cost,
      money,
    });
  },
});

function causeOf(p: Program, id: string): Cause {
  const c = p.causes.find((x) => x.id === id);
  if (!c) throw new GongzhiError('POINTS_NOT_FOUND', `no cause ${id}`, { program: p.id, cause: id });
  return c;
}

/**
 * A member donates points to a cause: a pot cause keeps them for its steward to re-grant; any other
 * cause is paid in money by the lots' sponsors (like a redemption whose platform is the beneficiary).
 */
const donate = pointsMethod<{ program: string; cause: string; amount: number }>({
  summary: 'Donate points to a cause of the program (a pot keeps them for its steward to re-grant)',
  args: S.Object(
    { program: schemas.id('program id'), cause: schemas.id('cause id'), amount: schemas.amount() },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'cause', 'amount']);
    return { program: readId(a, 'program'), cause: readId(a, 'cause'), amount: readAmount(a, 'amount') };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireHolder(p, env.sender);
    const cause = causeOf(p, a.cause);
    const books = env.booksOf(p);
    books.lots.prepareSpend(env.sender, a.amount, false);
    books.journal.begin('donate', cause.id);
    const pieces = books.lots.take(env.sender, a.amount);
    books.accounts.post(`donated:${cause.id}`, a.amount);
    const to = (s: string) => `payable:${s}:${cause.beneficiary}`;
    const money = cause.pot ? 0 : books.accounts.releaseBacking(pieces, to, true);
    books.journal.end();
    // a pot keeps the points (nothing payable): its re-grants are fresh lots, not followed
    if (!cause.pot) recordSpend(env, books, env.sender, 'donate', pieces, to);
    books.aggregates.add('donated', a.amount);
    books.aggregates.add('donatedMoney', money);
    env.emit('donated', { program: p.id, user: env.sender, cause: cause.id, amount: a.amount, money });
  },
});

/** The steward (beneficiary) of a pot cause grants points from the pot to a member. */
const grant = pointsMethod<{ program: string; cause: string; to: string; amount: number }>({
  summary: 'Grant points from a pot cause to a member (the cause’s steward)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      cause: schemas.id('pot cause id'),
      to: schemas.addr('the member'),
      amount: schemas.amount(),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'cause', 'to', 'amount']);
    return {
      program: readId(a, 'program'),
      cause: readId(a, 'cause'),
      to: readAddr(a, 'to'),
      amount: readAmount(a, 'amount'),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    const cause = causeOf(p, a.cause);
    if (!cause.pot || cause.beneficiary !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the steward of a pot grants from it', {
        program: p.id,
        cause: cause.id,
      });
    }
    env.requireMember(p, a.to);
    const books = env.booksOf(p);
    const pot = books.accounts.balance(`donated:${cause.id}`);
    if (pot < a.amount) {
      throw new GongzhiError('POINTS_INSUFFICIENT_BALANCE', 'the pot holds less', {
        program: p.id,
        pot,
        amount: a.amount,
      });
    }
    books.journal.begin('grant', cause.id);
    books.accounts.post(`donated:${cause.id}`, -a.amount);
    books.lots.give(a.to, [books.lots.fresh(a.amount, '')]);
    books.journal.end();
    books.aggregates.add('granted', a.amount);
    env.emit('granted', { program: p.id, cause: cause.id, to: a.to, amount: a.amount });
  },
});

/** Open-loop programs only: a member cashes points out; the sponsors owe her their value. */
const cashOut = pointsMethod<{ program: string; amount: number }>({
  summary: 'Cash points out (open-loop programs with money): the sponsors then owe the member',
  args: S.Object(
    { program: schemas.id('program id'), amount: schemas.amount() },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'amount']);
    return { program: readId(a, 'program'), amount: readAmount(a, 'amount') };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    if (p.closedLoop || p.value === 0) {
      throw new GongzhiError('POINTS_CLOSED_LOOP', 'points of this program cannot be cashed out', {
        program: p.id,
      });
    }
    env.requireHolder(p, env.sender);
    const books = env.booksOf(p);
    books.lots.prepareSpend(env.sender, a.amount, false);
    books.journal.begin('cashout', env.sender);
    const pieces = books.lots.take(env.sender, a.amount);
    books.accounts.post('cashout', a.amount);
    const to = (s: string) => `payable:${s}:${env.sender}`;
    const money = books.accounts.releaseBacking(pieces, to, true);
    books.journal.end();
    recordSpend(env, books, env.sender, 'cashout', pieces, to);
    books.aggregates.add('cashedOut', a.amount);
    env.emit('cashedOut', { program: p.id, user: env.sender, amount: a.amount, money });
  },
});

function mayExpire(env: Env, p: Program, accounts: readonly string[]): boolean {
  if (p.issuer === env.sender || p.clearing === env.sender || env.hasRole(p, 'supervisor', env.sender)) {
    return true;
  }
  return accounts.length === 1 && accounts[0] === env.sender;
}

/** The issuer, clearing provider or a supervisor (or a holder for herself) sweeps expired lots. */
const expire = pointsMethod<{ program: string; accounts: string[] }>({
  summary: 'Sweep expired lots of accounts (issuer, clearing provider, supervisor, or a holder herself)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      accounts: S.Array(schemas.addr(), { maxItems: MAX_SWEEP, uniqueItems: true }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'accounts']);
    return { program: readId(a, 'program'), accounts: readAddrs(a, 'accounts', MAX_SWEEP) };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    if (!mayExpire(env, p, a.accounts)) {
      throw new GongzhiError(
        'POINTS_WRONG_ROLE',
        'only the issuer, clearing provider or a supervisor sweeps',
        {
          program: p.id,
        },
      );
    }
    const books = env.booksOf(p);
    let total = 0;
    // A frozen account is left untouched until a supervisor unfreezes it.
    for (const acct of a.accounts) if (!env.isFrozen(p, acct)) total += books.lots.sweep(acct);
    env.emit('expired', { program: p.id, accounts: a.accounts.length, points: total });
  },
});

export const spendMethods = { transfer, listItem, delistItem, redeem, donate, grant, cashOut, expire };
