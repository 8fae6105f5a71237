/** @module The recall modes: which retrieval channels a recall uses (config, CLI, MCP and the engine share them). */
export const RECALL_MODES = ["keyword", "semantic", "hybrid"] as const;
export type RecallMode = (typeof RECALL_MODES)[number];
