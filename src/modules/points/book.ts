import { type Codec, defineCodec } from '../../execution/index.js';
import { ADDR_RE, CURRENCY_RE, ID_RE, MAX_PROGRAMS } from './types.js';

/**
 * A clearing book (`book/<currency>@<clearing>`): the programs one clearing provider settles in one
 * currency, with the number and start of its open period.
 */
export interface Book {
  readonly id: string;
  readonly clearing: string;
  readonly currency: string;
  readonly period: number;
  readonly openedHeight: number;
  readonly openedTs: number;
  readonly programs: readonly string[];
}

/** The one codec of a book record. */
export const bookCodec: Codec<Book> = defineCodec<Book>(
  'book',
  ['id', 'clearing', 'currency', 'period', 'openedHeight', 'openedTs', 'programs'],
  (b) => ({
    id: b.id,
    clearing: b.clearing,
    currency: b.currency,
    period: b.period,
    openedHeight: b.openedHeight,
    openedTs: b.openedTs,
    programs: [...b.programs],
  }),
  (r) => {
    const programs = r.strs('programs', MAX_PROGRAMS, 48);
    if (!programs.every((p) => ID_RE.test(p))) r.fail('programs', 'a list of program ids');
    return {
      id: r.str('id', 140),
      clearing: r.match('clearing', ADDR_RE, 'an account address', 128),
      currency: r.match('currency', CURRENCY_RE, 'a currency code', 8),
      period: r.uint('period'),
      openedHeight: r.uint('openedHeight'),
      openedTs: r.uint('openedTs'),
      programs,
    };
  },
);
