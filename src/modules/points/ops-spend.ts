import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { Env } from './env.js';
import { Args, op } from './op.js';
import { keys, Rec, readList } from './state.js';
import { type Cause, MAX_AMOUNT, MAX_SWEEP, type Program } from './types.js';

/** A member moves points to another member, under the program's transfer policy. Lots move as they are. */
const transfer = op(
  (v) => {
    const a = Args.of(v, ['program', 'to', 'amount']);
    return { program: a.id('program'), to: a.addr('to'), amount: a.amount('amount') };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
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
    books.prepareSpend(env.sender, a.amount, false);
    books.begin('transfer', a.to);
    books.give(a.to, books.take(env.sender, a.amount));
    books.end();
    books.agg('transferred', a.amount);
    env.emit('transferred', { program: p.id, from: env.sender, to: a.to, amount: a.amount });
  },
);

// ---- catalogue ------------------------------------------------------------------------------

export interface Item {
  readonly platform: string;
  readonly item: string;
  readonly name: string;
  readonly price: number;
  /** Remaining stock; -1: unlimited. */
  readonly stock: number;
  readonly listed: boolean;
}

export function parseItem(v: CborValue | undefined): Item {
  const r = Rec.of(v, 'item');
  return {
    platform: r.str('platform'),
    item: r.str('item'),
    name: r.str('name'),
    price: r.int('price'),
    stock: r.int('stock'),
    listed: r.bool('listed'),
  };
}

function itemValue(i: Item): CborMap {
  return { ...i };
}

/** A redemption platform lists (or re-prices, restocks) a catalogue item priced in points. */
const listItem = op(
  (v) => {
    const a = Args.of(v, ['program', 'item', 'name', 'price', 'stock']);
    return {
      program: a.id('program'),
      item: a.id('item'),
      name: a.str('name', 128),
      price: a.amount('price'),
      stock: a.has('stock') ? a.uint('stock', MAX_AMOUNT) : -1,
    };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'platform');
    const key = keys.item(p.id, env.sender, a.item);
    const prev = env.get(key);
    if (prev === undefined) {
      const list = readList(env.get(keys.itemList(p.id)));
      if (list.length >= 10_000) throw new GongzhiError('POINTS_LIMIT', 'catalogue is full');
      env.set(keys.itemList(p.id), [...list, `${env.sender}/${a.item}`]);
    }
    env.set(
      key,
      itemValue({
        platform: env.sender,
        item: a.item,
        name: a.name,
        price: a.price,
        stock: a.stock,
        listed: true,
      }),
    );
    env.emit('itemListed', { program: p.id, platform: env.sender, item: a.item, price: a.price });
  },
);

const delistItem = op(
  (v) => {
    const a = Args.of(v, ['program', 'item']);
    return { program: a.id('program'), item: a.id('item') };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'platform');
    const key = keys.item(p.id, env.sender, a.item);
    const prev = env.get(key);
    if (prev === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'no such item', { item: a.item });
    env.set(key, itemValue({ ...parseItem(prev), listed: false }));
    env.emit('itemDelisted', { program: p.id, platform: env.sender, item: a.item });
  },
);

/**
 * A member redeems a catalogue item: its points are burned into `redeemed:<platform>` (oldest lots
 * first) and, with money, each lot's backing moves from its sponsor's reserve to what the sponsor
 * owes the platform this period.
 */
const redeem = op(
  (v) => {
    const a = Args.of(v, ['program', 'platform', 'item', 'quantity']);
    return {
      program: a.id('program'),
      platform: a.addr('platform'),
      item: a.id('item'),
      quantity: a.has('quantity') ? a.amount('quantity') : 1,
    };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    env.requireRole(p, 'platform', a.platform);
    env.requireNotFrozen(p, a.platform);
    const key = keys.item(p.id, a.platform, a.item);
    const raw = env.get(key);
    const item = raw === undefined ? undefined : parseItem(raw);
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
    const books = env.booksOf(p);
    books.prepareSpend(env.sender, cost, false);
    books.begin('redeem', `${a.platform}/${a.item}`);
    const pieces = books.take(env.sender, cost);
    books.postPlain(`redeemed:${a.platform}`, cost);
    const money = books.releaseBacking(pieces, (s) => `payable:${s}:${a.platform}`);
    books.end();
    // unlimited stock: the catalogue entry does not change (the journal records what was redeemed)
    if (item.stock >= 0) env.set(key, itemValue({ ...item, stock: item.stock - a.quantity }));
    books.agg('redeemed', cost);
    books.agg('redeemedMoney', money);
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
);

function causeOf(p: Program, id: string): Cause {
  const c = p.causes.find((x) => x.id === id);
  if (!c) throw new GongzhiError('POINTS_NOT_FOUND', `no cause ${id}`, { program: p.id, cause: id });
  return c;
}

/**
 * A member donates points to a cause: a pot cause keeps them for its steward to re-grant; any other
 * cause is paid in money by the lots' sponsors (like a redemption whose platform is the beneficiary).
 */
const donate = op(
  (v) => {
    const a = Args.of(v, ['program', 'cause', 'amount']);
    return { program: a.id('program'), cause: a.id('cause'), amount: a.amount('amount') };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    const cause = causeOf(p, a.cause);
    const books = env.booksOf(p);
    books.prepareSpend(env.sender, a.amount, false);
    books.begin('donate', cause.id);
    const pieces = books.take(env.sender, a.amount);
    books.postPlain(`donated:${cause.id}`, a.amount);
    const money = cause.pot ? 0 : books.releaseBacking(pieces, (s) => `payable:${s}:${cause.beneficiary}`);
    books.end();
    books.agg('donated', a.amount);
    books.agg('donatedMoney', money);
    env.emit('donated', { program: p.id, user: env.sender, cause: cause.id, amount: a.amount, money });
  },
);

/** The steward (beneficiary) of a pot cause grants points from the pot to a member. */
const grant = op(
  (v) => {
    const a = Args.of(v, ['program', 'cause', 'to', 'amount']);
    return { program: a.id('program'), cause: a.id('cause'), to: a.addr('to'), amount: a.amount('amount') };
  },
  (env, a) => {
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
    const pot = books.balance(`donated:${cause.id}`);
    if (pot < a.amount) {
      throw new GongzhiError('POINTS_INSUFFICIENT_BALANCE', 'the pot holds less', {
        program: p.id,
        pot,
        amount: a.amount,
      });
    }
    books.begin('grant', cause.id);
    books.postPlain(`donated:${cause.id}`, -a.amount);
    books.give(a.to, [books.freshLot(a.amount, '')]);
    books.end();
    books.agg('granted', a.amount);
    env.emit('granted', { program: p.id, cause: cause.id, to: a.to, amount: a.amount });
  },
);

/** Open-loop programs only: a member cashes points out; the sponsors owe her their value. */
const cashOut = op(
  (v) => {
    const a = Args.of(v, ['program', 'amount']);
    return { program: a.id('program'), amount: a.amount('amount') };
  },
  (env, a) => {
    const p = env.active(a.program);
    if (p.closedLoop || p.value === 0) {
      throw new GongzhiError('POINTS_CLOSED_LOOP', 'points of this program cannot be cashed out', {
        program: p.id,
      });
    }
    env.requireMember(p, env.sender);
    const books = env.booksOf(p);
    books.prepareSpend(env.sender, a.amount, false);
    books.begin('cashout', env.sender);
    const pieces = books.take(env.sender, a.amount);
    books.postPlain('cashout', a.amount);
    const money = books.releaseBacking(pieces, (s) => `payable:${s}:${env.sender}`);
    books.end();
    books.agg('cashedOut', a.amount);
    env.emit('cashedOut', { program: p.id, user: env.sender, amount: a.amount, money });
  },
);

function mayExpire(env: Env, p: Program, accounts: readonly string[]): boolean {
  if (p.issuer === env.sender || p.clearing === env.sender || env.hasRole(p, 'supervisor', env.sender)) {
    return true;
  }
  return accounts.length === 1 && accounts[0] === env.sender;
}

/** The issuer, clearing provider or a supervisor (or a holder for herself) sweeps expired lots. */
const expire = op(
  (v) => {
    const a = Args.of(v, ['program', 'accounts']);
    return { program: a.id('program'), accounts: a.addrs('accounts', MAX_SWEEP) };
  },
  (env, a) => {
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
    for (const acct of a.accounts) if (!env.isFrozen(p, acct)) total += books.sweep(acct);
    env.emit('expired', { program: p.id, accounts: a.accounts.length, points: total });
  },
);

export const spendMethods = { transfer, listItem, delistItem, redeem, donate, grant, cashOut, expire };
