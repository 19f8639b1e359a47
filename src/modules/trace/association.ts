import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec, readStored, stateKey, writeStored } from '../../execution/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import type { RecordArgs } from './record-args.js';
import { MODULE } from './registry.js';

/**
 * AssociationEvent (EPCIS 2.0 §7.4.5): a parent (a returnable asset, a location, a logger…)
 * and the children associated with it — not containment, so an association moves no goods, no
 * custody and no quantities. The ledger keeps each parent's current children and each child's
 * current parent: ADD associates children (at least one; a child is associated with one parent
 * at a time), OBSERVE confirms children that are associated with that parent, DELETE
 * disassociates the children named — or, naming none, every child of the parent.
 */

/** Most children one parent keeps (a pallet's loggers, a machine's parts). */
export const MAX_ASSOCIATED = 1000;

export const assocKeys = {
  children: (parent: string) => stateKey(MODULE, 'assoc', parent),
  parent: (child: string) => stateKey(MODULE, 'assocof', child),
};

const listCodec: Codec<readonly string[]> = defineCodec<readonly string[]>(
  'trace association',
  ['children'],
  (c) => ({ children: [...c] }),
  (r) => r.strs('children', MAX_ASSOCIATED, 200, true),
);
const parentCodec: Codec<string> = defineCodec<string>(
  'trace association parent',
  ['parent'],
  (p) => ({ parent: p }),
  (r) => r.str('parent', 200),
);

export const associatedChildren = (s: StateReader, parent: string): readonly string[] =>
  readStored(s, assocKeys.children(parent), listCodec) ?? [];
export const associatedParent = (s: StateReader, child: string): string | undefined =>
  readStored(s, assocKeys.parent(child), parentCodec);

/** What an AssociationEvent writes: the parent's new children, and each child's new parent. */
export interface AssociationPlan {
  readonly parent: string;
  readonly children: readonly string[];
  readonly links: readonly { readonly child: string; readonly parent?: string }[];
}

const bad = (message: string): never => {
  throw new GongzhiError('TRACE_BAD_ASSOCIATION', message, { field: 'ids' });
};

/** The plan of one AssociationEvent, or the rule it breaks. */
export function planAssociation(state: StateReader, a: RecordArgs): AssociationPlan {
  const parents = a.ids.filter((i) => i.role === 'parent');
  const parent = parents[0]?.key;
  if (parents.length !== 1 || parent === undefined)
    return bad('an AssociationEvent names exactly one parentID');
  const named = a.ids.filter((i) => i.role === 'child').map((i) => i.key);
  const current = associatedChildren(state, parent);
  const notHere = (child: string) => {
    throw new GongzhiError('TRACE_NOT_ASSOCIATED', `${child} is not associated with ${parent}`, {
      key: child,
      parent,
      ...(associatedParent(state, child) === undefined
        ? {}
        : { with: associatedParent(state, child) as string }),
    });
  };
  if (a.action === 'ADD') {
    if (named.length === 0) bad('an ADD association names at least one child');
    for (const child of named) {
      const p = associatedParent(state, child);
      if (p !== undefined && p !== parent) {
        throw new GongzhiError('TRACE_ALREADY_ASSOCIATED', `${child} is associated with ${p}`, {
          key: child,
          parent: p,
        });
      }
    }
    const added = named.filter((c) => !current.includes(c));
    const children = [...current, ...added];
    if (children.length > MAX_ASSOCIATED) {
      throw new GongzhiError('TRACE_LIMIT', `a parent keeps at most ${MAX_ASSOCIATED} associated children`);
    }
    return { parent, children, links: added.map((child) => ({ child, parent })) };
  }
  if (a.action === 'OBSERVE') {
    for (const child of named) if (!current.includes(child)) notHere(child);
    return { parent, children: current, links: [] };
  }
  // DELETE: the children named, or every child.
  const gone = named.length === 0 ? current : named;
  if (gone.length === 0) notHere('(any child)');
  for (const child of gone) if (!current.includes(child)) notHere(child);
  return {
    parent,
    children: current.filter((c) => !gone.includes(c)),
    links: gone.map((child) => ({ child })),
  };
}

export function writeAssociation(s: StateOverlay, p: AssociationPlan): void {
  if (p.children.length === 0) s.delete(assocKeys.children(p.parent));
  else writeStored(s, assocKeys.children(p.parent), listCodec, p.children);
  for (const l of p.links) {
    if (l.parent === undefined) s.delete(assocKeys.parent(l.child));
    else writeStored(s, assocKeys.parent(l.child), parentCodec, l.parent);
  }
}
