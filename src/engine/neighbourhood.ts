/** @module A memory's neighbourhood over its typed links, hop by hop: `cairn graph` and the ui's graph view. */
import type { LinkState } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";
import { type Link, links } from "./relate.ts";

/** A link between two of the memories; its state as domain/edge.ts LinkState says. */
export interface NeighbourEdge extends LinkState {
  from: string;
  to: string;
  relation: Link["relation"];
}

/** A link's state fields, only those set. */
const stateOf = (l: LinkState): LinkState => ({ ...(l.possible ? { possible: true } : {}), ...(l.settled ? { settled: l.settled } : {}), ...(l.undone ? { undone: true } : {}) });

export interface Neighbourhood {
  root: Memory;
  /** The root first, then by hop. */
  nodes: Map<string, Memory>;
  edges: NeighbourEdge[];
  /** Memories within the depth were left out past the node limit (the nearest hops are kept). */
  truncated: boolean;
}

/**
 * Memories within `depth` links of `root` (either direction) and the links between them; past `maxNodes`
 * memories the rest are left out (`truncated`), nearer hops first.
 */
export function neighbourhood(ctx: EngineContext, root: Memory, depth: number, maxNodes = Number.POSITIVE_INFINITY): Neighbourhood {
  const nodes = new Map([[root.id, root]]);
  let truncated = false;
  const edges: NeighbourEdge[] = [];
  const known = new Set<string>();
  let frontier = [root.id];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const l of links(ctx, id)) {
        const e: NeighbourEdge = {
          ...(l.direction === "out" ? { from: id, to: l.id } : { from: l.id, to: id }),
          relation: l.relation,
          ...stateOf(l),
        };
        const key = `${e.from}>${e.to}>${e.relation}`;
        if (!known.has(key)) (known.add(key), edges.push(e));
        if (!nodes.has(l.id)) {
          if (nodes.size >= maxNodes) {
            truncated = true;
            continue;
          }
          const m = ctx.store.get(l.id);
          if (m) (nodes.set(l.id, m), next.push(l.id));
        }
      }
    }
    frontier = next;
  }
  return { root, nodes, edges: edges.filter((e) => nodes.has(e.from) && nodes.has(e.to)), truncated };
}

/** The JSON of `cairn graph --json`, shared with the ui. */
export function neighbourhoodJson(n: Neighbourhood): { root: string; nodes: Array<Record<string, unknown>>; edges: NeighbourEdge[]; truncated?: true } {
  return {
    root: n.root.id,
    ...(n.truncated ? { truncated: true as const } : {}),
    nodes: [...n.nodes.values()].map((m) => ({ id: m.id, type: m.type, status: m.status, project: m.project, content: m.content })),
    edges: n.edges.map((e) => ({ from: e.from, to: e.to, relation: e.relation, ...stateOf(e) })),
  };
}
