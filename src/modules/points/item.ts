import { type Codec, defineCodec } from '../../execution/index.js';
import { ADDR_RE, ID_RE, MAX_AMOUNT } from './types.js';

/** A catalogue item of a redemption platform, priced in points (`item/<program>/<platform>/<item>`). */
export interface Item {
  readonly platform: string;
  readonly item: string;
  readonly name: string;
  readonly price: number;
  /** Remaining stock; -1: unlimited. */
  readonly stock: number;
  readonly listed: boolean;
}

/** The one codec of a catalogue item. */
export const itemCodec: Codec<Item> = defineCodec<Item>(
  'item',
  ['platform', 'item', 'name', 'price', 'stock', 'listed'],
  (i) => ({
    platform: i.platform,
    item: i.item,
    name: i.name,
    price: i.price,
    stock: i.stock,
    listed: i.listed,
  }),
  (r) => {
    const price = r.uint('price', MAX_AMOUNT);
    if (price < 1) r.fail('price', `an amount 1..${MAX_AMOUNT}`);
    return {
      platform: r.match('platform', ADDR_RE, 'an account address', 128),
      item: r.match('item', ID_RE, 'an item id', 48),
      name: r.str('name', 128),
      price,
      stock: r.int('stock', -1, MAX_AMOUNT),
      listed: r.bool('listed'),
    };
  },
);
