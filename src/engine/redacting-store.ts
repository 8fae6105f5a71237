/**
 * @module Where engine writes cross into storage: the Engine works on this view of its Store, whose
 * writing methods pass every record through the one redaction boundary (capture/redact-record.ts) before
 * the store sees it. Writers that already redacted (remember, update, import) pass unchanged, as
 * redaction is idempotent; anything set later or elsewhere (checkpoint state, forget reasons, audit
 * details, tags, a field added tomorrow) is caught here.
 */
import { redactAudit, redactEdge, redactHold, redactMemory, redactRule } from "../capture/redact-record.ts";
import { redactSecrets } from "../capture/redact.ts";
import type { PolicyStore } from "../store/policy-store.ts";
import type { Store } from "../store/store.ts";

/**
 * Every member of the port, classified. A member added to {@link Store} fails the type check until it is
 * listed, which is the moment to decide whether it writes text; unlisted members still pass through.
 */
const MEMBERS = {
  location: "read", codec: "read", vectors: "read", transaction: "read", purge: "read", get: "read", idsWithPrefix: "read",
  findDuplicate: "read", list: "read", listAll: "read", count: "read", sessionNeighbours: "read", searchText: "read", searchTextSoon: "read",
  getMany: "read", termStats: "read", matchedIn: "read", touch: "read", history: "read", edges: "read", links: "read", stats: "read", createdByDay: "read",
  check: "read", refreshPlannerStats: "read", close: "read", idsWithTail: "read", idsWithTailStart: "read", projects: "read", projectKeys: "read", projectAliases: "read",
  auditHead: "read", verifyAudit: "read", auditLog: "read", loggedIds: "read",
  writeRefusal: "read", lastScrub: "read", eraseHistory: "read", pendingErasure: "read", finishErasure: "read",
  insert: "write", replace: "write", appendAudit: "write", addEdge: "write", setEdgeMetadata: "write",
  // Rules and holds hold tag selectors and reasons: their writers are wrapped below.
  policy: "write",
} as const satisfies Record<keyof Store, "read" | "write">;

const views = new WeakMap<Store, Store>();

/** The redacting view of `store` (one per store, so per-store caches keyed on it keep working). */
export function redactingStore(store: Store): Store {
  let view = views.get(store);
  if (view) return view;
  // Rebuilt when the store's policy object changes (a store that reopened its file).
  let policy: { of: PolicyStore; view: PolicyStore } | undefined;
  const writers: Pick<Store, "insert" | "replace" | "appendAudit" | "addEdge" | "setEdgeMetadata" | "policy"> = {
    insert: (memory) => store.insert(redactMemory(memory).memory),
    replace: (memory) => store.replace(redactMemory(memory).memory),
    appendAudit: (entry) => store.appendAudit(redactAudit(entry)),
    addEdge: (edge) => store.addEdge(redactEdge(edge)),
    setEdgeMetadata: (edge) => store.setEdgeMetadata(redactEdge(edge)),
    get policy() {
      const of = store.policy;
      if (policy?.of !== of) policy = { of, view: redactingPolicy(of) };
      return policy.view;
    },
  };
  const bound = new Map<PropertyKey, unknown>();
  view = new Proxy(store, {
    get(target, prop) {
      if (MEMBERS[prop as keyof Store] === "write") return writers[prop as keyof typeof writers];
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      let fn = bound.get(prop);
      if (!fn) bound.set(prop, (fn = value.bind(target)));
      return fn;
    },
  });
  views.set(store, view);
  return view;
}

/** The rules-and-holds part of the store, its three writers passing the same boundary. */
function redactingPolicy(policy: PolicyStore): PolicyStore {
  const writers: Pick<PolicyStore, "putRule" | "addHold" | "releaseHold"> = {
    putRule: (rule) => policy.putRule(redactRule(rule)),
    addHold: (hold) => policy.addHold(redactHold(hold)),
    releaseHold: (id, at, by, reason) => policy.releaseHold(id, at, by, redactSecrets(reason).text),
  };
  return new Proxy(policy, {
    get(target, prop) {
      if (Object.hasOwn(writers, prop)) return writers[prop as keyof typeof writers];
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
