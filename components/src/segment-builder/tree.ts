/**
 * Immutable edits of a segment AST by position. The builder edits a draft
 * that may not validate yet (a value still missing, text in a number field),
 * so nodes are handled as plain records here and `validateSegment` says what
 * is wrong, at the same paths this module prints.
 */

/** A node of a draft AST: a group or a condition, possibly incomplete. */
export type DraftNode = Readonly<Record<string, unknown>>;

/** One step from a group to a child: an index into `all`/`any`, or the child of `not`. */
export type Step = { readonly key: 'all' | 'any'; readonly index: number } | { readonly key: 'not' };

/** Where a node lies: the steps from the root (`[]` is the root). */
export type NodePath = readonly Step[];

export type NodeKind = 'all' | 'any' | 'not' | 'field' | 'count' | 'sum' | 'unknown';

export function nodeKind(node: DraftNode): NodeKind {
  if ('all' in node) return 'all';
  if ('any' in node) return 'any';
  if ('not' in node) return 'not';
  if ('field' in node) return 'field';
  if ('did' in node) return 'count';
  if ('sum' in node) return 'sum';
  return 'unknown';
}

/** The children of an `all` / `any` group (a missing or broken list reads as empty). */
export function children(node: DraftNode): readonly DraftNode[] {
  const list = 'all' in node ? node['all'] : node['any'];
  return Array.isArray(list) ? (list as DraftNode[]) : [];
}

/**
 * The path as `validateSegment` prints it.
 *
 * @example pathString([{ key: 'all', index: 2 }, { key: 'any', index: 0 }]) // 'all[2].any[0]'
 */
export function pathString(path: NodePath): string {
  return path.map((s) => (s.key === 'not' ? 'not' : `${s.key}[${s.index}]`)).join('.');
}

/** Appends a key of the node to its path string (`''` + `op` → `op`). */
export function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

export function nodeAt(root: DraftNode, path: NodePath): DraftNode | undefined {
  let node: DraftNode | undefined = root;
  for (const step of path) {
    if (!node) return undefined;
    node = step.key === 'not' ? (node['not'] as DraftNode | undefined) : (children(node)[step.index] as DraftNode | undefined);
  }
  return node;
}

/** A new root with the node at `path` replaced by `fn(node)`; every node off the path is shared. */
export function updateAt(root: DraftNode, path: NodePath, fn: (node: DraftNode) => DraftNode): DraftNode {
  if (path.length === 0) return fn(root);
  const [step, ...rest] = path as [Step, ...Step[]];
  if (step.key === 'not') return { ...root, not: updateAt(root['not'] as DraftNode, rest, fn) };
  const list = [...children(root)];
  const child = list[step.index];
  if (!child) throw new RangeError(`no node at ${pathString(path)}`);
  list[step.index] = updateAt(child, rest, fn);
  return { ...root, [step.key]: list };
}

/** Replaces the children list of the `all`/`any` group at `path`. */
function updateList(root: DraftNode, path: NodePath, fn: (list: DraftNode[]) => DraftNode[]): DraftNode {
  return updateAt(root, path, (group) => {
    const key = 'all' in group ? 'all' : 'any';
    return { ...group, [key]: fn([...children(group)]) };
  });
}

/** The path of the `index`-th child of the group at `path`. */
export function childPath(root: DraftNode, path: NodePath, index: number): NodePath {
  const group = nodeAt(root, path);
  const key = group && 'all' in group ? 'all' : 'any';
  return [...path, { key, index }];
}

/** Adds `child` at the end of the `all`/`any` group at `groupPath`; returns the new root and the child's path. */
export function appendChild(root: DraftNode, groupPath: NodePath, child: DraftNode): { root: DraftNode; path: NodePath } {
  const index = children(nodeAt(root, groupPath) ?? {}).length;
  return { root: updateList(root, groupPath, (l) => [...l, child]), path: childPath(root, groupPath, index) };
}

/** The group holding a list item, and its index; `undefined` for the root or the child of a `not`. */
export function listParent(path: NodePath): { group: NodePath; index: number } | undefined {
  const last = path[path.length - 1];
  if (!last || last.key === 'not') return undefined;
  return { group: path.slice(0, -1), index: last.index };
}

/** Removes the list item at `path`. */
export function removeAt(root: DraftNode, path: NodePath): DraftNode {
  const parent = listParent(path);
  if (!parent) throw new RangeError(`only an item of a group can be removed, not ${pathString(path) || 'the root'}`);
  return updateList(root, parent.group, (l) => l.filter((_, i) => i !== parent.index));
}

/** Moves the list item at `path` by `delta` places (clamped); returns the new root and the item's new path. */
export function moveAt(root: DraftNode, path: NodePath, delta: number): { root: DraftNode; path: NodePath } {
  const parent = listParent(path);
  if (!parent) throw new RangeError(`only an item of a group can move, not ${pathString(path) || 'the root'}`);
  const length = children(nodeAt(root, parent.group) ?? {}).length;
  const to = Math.max(0, Math.min(length - 1, parent.index + delta));
  const next = updateList(root, parent.group, (l) => {
    const [item] = l.splice(parent.index, 1);
    l.splice(to, 0, item!);
    return l;
  });
  return { root: next, path: childPath(root, parent.group, to) };
}

/** Wraps the node at `path` in a `not`. */
export function negateAt(root: DraftNode, path: NodePath): DraftNode {
  return updateAt(root, path, (node) => ({ not: node }));
}

/** Replaces the `not` at `path` by its child. */
export function unwrapAt(root: DraftNode, path: NodePath): DraftNode {
  return updateAt(root, path, (node) => (node['not'] as DraftNode | undefined) ?? node);
}

/** Switches the group at `path` between `all` and `any`, keeping its children (and the root's `marketing`). */
export function setCombinator(root: DraftNode, path: NodePath, to: 'all' | 'any'): DraftNode {
  return updateAt(root, path, (group) => {
    const { all: _all, any: _any, ...rest } = group;
    return { ...rest, [to]: children(group) };
  });
}

/** `of.amount.value[1]` → `['of', 'amount', 'value', 1]`. */
function keyTokens(key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new RangeError(`bad key path ${JSON.stringify(key)}`);
    out.push(m[1]!);
    for (const i of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

const withoutUndefined = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) : v;

function setTokens(target: unknown, tokens: readonly (string | number)[], value: unknown): unknown {
  const [head, ...rest] = tokens;
  if (head === undefined) return withoutUndefined(value);
  if (typeof head === 'number') {
    const list = Array.isArray(target) ? [...(target as unknown[])] : [];
    while (list.length <= head) list.push(undefined);
    list[head] = setTokens(list[head], rest, value);
    return list;
  }
  const obj: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  const next = setTokens(obj[head], rest, value);
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj;
}

/**
 * A copy of `node` with the value at a key path set (`undefined` removes an
 * object key; list items stay in place).
 *
 * @example setIn({ did: { type: 'payment' } }, 'did.amount.value[1]', 500) // { did: { type: 'payment', amount: { value: [undefined, 500] } } }
 */
export function setIn(node: DraftNode, key: string, value: unknown): DraftNode {
  return setTokens(node, keyTokens(key), value) as DraftNode;
}
