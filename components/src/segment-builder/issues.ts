// Where each validation issue shows: at the node its path lies in, at the control it names.
// Used by validation.ts only, so it loads with the validator.
import type { SegmentIssue } from '@pitboss/core';
import { children, nodeKind, pathString, type DraftNode, type NodePath } from './tree.js';

/** A validation issue placed at the node it is about, and at a control of that node. */
export interface PlacedIssue extends SegmentIssue {
  /** DOM id of the rendered message, for `aria-describedby`. */
  id: string;
  /** Path of the node (`all[2].any[0]`; `''` for the root). */
  node: string;
  /** Key path inside the node (`value[1]`, `did.type`, `all` for a group's own list); `''` for the node itself. */
  control: string;
}

/** Every node's path string, root first. */
export function nodePaths(root: DraftNode): string[] {
  const out: string[] = [];
  const walk = (node: DraftNode, path: NodePath): void => {
    out.push(pathString(path));
    const kind = nodeKind(node);
    if (kind === 'all' || kind === 'any') children(node).forEach((c, index) => walk(c, [...path, { key: kind, index }]));
    else if (kind === 'not' && typeof node['not'] === 'object' && node['not'] !== null) walk(node['not'] as DraftNode, [...path, { key: 'not' }]);
  };
  walk(root, []);
  return out;
}

const within = (path: string, node: string): boolean =>
  node === '' || path === node || path.startsWith(`${node}.`);

/**
 * Groups issues by the deepest node their path lies in: `all[2].any[0].value`
 * belongs to the condition `all[2].any[0]`, control `value`; `all[1].any`
 * (an empty list) to the group `all[1]`.
 */
export function placeIssues(issues: readonly SegmentIssue[], root: DraftNode, idPrefix: string): Map<string, PlacedIssue[]> {
  const nodes = nodePaths(root);
  const out = new Map<string, PlacedIssue[]>();
  issues.forEach((issue, i) => {
    let best = '';
    for (const n of nodes) if (n.length >= best.length && within(issue.path, n)) best = n;
    const control = best === '' ? issue.path : issue.path === best ? '' : issue.path.slice(best.length + 1);
    const list = out.get(best) ?? [];
    list.push({ ...issue, id: `${idPrefix}${i}`, node: best, control });
    out.set(best, list);
  });
  return out;
}
