import { defineQuery, S } from '../../execution/index.js';
import { areaConfirmed, areaMoveCodec } from './areas.js';
import { holderCodec } from './holder.js';
import { keys } from './keys.js';
import { areaMoveCountCodec, memberEntryCodec } from './marks.js';
import { MAX_PAGE, programParam, qs, totalsRecord } from './queries.js';
import { readRecord } from './stored.js';

/**
 * Areas nobody accountable confirmed (issue 17): before confirmation existed a member set her own
 * area on her holdings, with no move record; those areas still count in the area reports. A member's
 * area is confirmed when her last recorded move set exactly that area and was made by someone else
 * (the issuer or the area's worker, `confirmArea`). This lists the others, a page of members at a
 * time, so a supervisor can have them re-confirmed (`points area confirm`) — nothing is changed.
 */
const unconfirmedAreas = defineQuery({
  summary:
    'Members whose area is self-declared (set before confirmation existed), paged, for re-confirmation',
  args: S.Object({
    program: qs.program(),
    offset: qs.uintParam('first member, 0-based (default 0)'),
    limit: qs.uintParam(`members scanned, ≤ ${MAX_PAGE} (default 100)`),
  }),
  result: qs.obj({
    program: S.String(),
    scanned: S.Integer(),
    next: S.Integer({ description: 'offset of the next page (= members when done)' }),
    members: S.Array(
      S.Object({
        account: S.String(),
        area: S.String(),
        moves: S.Integer({ description: 'recorded moves of her area (0: never confirmed)' }),
      }),
    ),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const total = totalsRecord(state, p).members ?? 0;
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const members: { account: string; area: string; moves: number }[] = [];
    let i = offset;
    for (; i < total && i - offset < limit; i++) {
      const account = readRecord(state, keys.member(p.id, i), memberEntryCodec);
      if (account === undefined) continue;
      const h = readRecord(state, keys.holder(p.id, account), holderCodec);
      if (h === undefined || h.area === '') continue;
      const moves = readRecord(state, keys.areaMoves(p.id, account), areaMoveCountCodec) ?? 0;
      const last =
        moves === 0 ? undefined : readRecord(state, keys.areaMove(p.id, account, moves), areaMoveCodec);
      if (areaConfirmed(last, account, h.area)) continue;
      members.push({ account, area: h.area, moves });
    }
    return { program: p.id, scanned: Math.max(0, i - offset), next: i, members };
  },
});

export const unconfirmedAreaQueries = { unconfirmedAreas };
