import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { LIMITS, MAX_CHILDREN, MAX_DEPTH, type Office, readOffice, writeOffice } from './state.js';

/** The office `id`, or REPORTS_OFFICE_NOT_FOUND. */
export function foundOffice(state: StateReader, id: string): Office {
  const o = readOffice(state, id);
  if (o === undefined) throw new GongzhiError('REPORTS_OFFICE_NOT_FOUND', 'no such office', { office: id });
  return o;
}

/** The office `id` operated by `sender`, or REPORTS_OFFICE_NOT_FOUND / REPORTS_NOT_OPERATOR. */
export function operatedOffice(state: StateReader, id: string, sender: string): Office {
  const o = foundOffice(state, id);
  if (o.operator !== sender) {
    throw new GongzhiError('REPORTS_NOT_OPERATOR', 'only the office’s operator may act for it', {
      office: id,
      operator: o.operator,
    });
  }
  return o;
}

/**
 * The ids above `office` following declared parents (joined or not), nearest first. A link is
 * refused if it would close a loop or make the chain longer than MAX_DEPTH — checked on declared
 * parents so that a tree joined later cannot become a loop either.
 */
function ancestors(state: StateReader, start: string | undefined): string[] {
  const out: string[] = [];
  let cur = start;
  while (cur !== undefined && out.length <= MAX_DEPTH) {
    if (out.includes(cur)) break;
    out.push(cur);
    cur = readOffice(state, cur)?.parent;
  }
  return out;
}

export interface RegisterOfficeArgs {
  readonly office: string;
  readonly name: string;
  readonly parent?: string;
}

/**
 * `registerOffice`: create an office operated by the sender, optionally naming the office it
 * reports to. The parent may be registered later; the link is joined once the parent admits it.
 */
export const registerOffice = defineMethod<RegisterOfficeArgs>({
  summary: 'Register an office of the reporting hierarchy, naming the office it reports to',
  args: S.Object(
    {
      office: S.Id('office id'),
      name: S.String({ minLength: 1, maxLength: LIMITS.name }),
      parent: S.Optional(S.Id('the office this one reports to (may be registered later)')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['office', 'name', 'parent']);
    const base = { office: r.id('office'), name: r.str('name', LIMITS.name) };
    return r.has('parent') ? { ...base, parent: r.id('parent') } : base;
  },
  check: ({ state }, a) => {
    if (readOffice(state, a.office) !== undefined) {
      throw new GongzhiError('REPORTS_OFFICE_EXISTS', 'office already registered', { office: a.office });
    }
    if (a.parent !== undefined) {
      const up = ancestors(state, a.parent);
      if (up.includes(a.office) || up.length > MAX_DEPTH) {
        throw new GongzhiError('REPORTS_CYCLE', 'the parent chain would loop or be too deep', {
          office: a.office,
          maxDepth: MAX_DEPTH,
        });
      }
    }
  },
  apply: (ctx, a) => {
    writeOffice(ctx.state, {
      id: a.office,
      name: a.name,
      operator: ctx.sender,
      ...(a.parent === undefined ? {} : { parent: a.parent }),
      admitted: [],
    });
    ctx.emit('officeRegistered', {
      office: a.office,
      ...(a.parent === undefined ? {} : { parent: a.parent }),
    });
  },
});

export interface AdmitArgs {
  readonly office: string;
  readonly child: string;
}

/**
 * `admit`: an office accepts `child` as one of its lower offices (which may register later). The
 * link is joined when the child names this office as its parent.
 */
export const admit = defineMethod<AdmitArgs, Office>({
  summary: 'Accept a lower office (registered now or later) as reporting to this office',
  args: S.Object(
    { office: S.Id('this office'), child: S.Id('the lower office') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['office', 'child']);
    return { office: r.id('office'), child: r.id('child') };
  },
  check: ({ state, sender }, a) => {
    const o = operatedOffice(state, a.office, sender);
    if (o.admitted.includes(a.child)) {
      throw new GongzhiError('REPORTS_OFFICE_EXISTS', 'this child is admitted already', {
        office: a.office,
        child: a.child,
      });
    }
    if (o.admitted.length >= MAX_CHILDREN) {
      throw new GongzhiError('REPORTS_LIMIT', `an office admits at most ${MAX_CHILDREN} children`, {
        max: MAX_CHILDREN,
      });
    }
    const up = ancestors(state, a.office);
    if (up.includes(a.child) || up.length >= MAX_DEPTH) {
      throw new GongzhiError('REPORTS_CYCLE', 'the child is above this office, or the tree is too deep', {
        office: a.office,
        child: a.child,
        maxDepth: MAX_DEPTH,
      });
    }
    return o;
  },
  apply: (ctx, a, o) => {
    writeOffice(ctx.state, { ...o, admitted: [...o.admitted, a.child] });
    ctx.emit('admitted', { office: a.office, child: a.child });
  },
});
