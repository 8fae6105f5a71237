/** @module What a peer-format adapter produces: cairn import records with stable ids, links between them, and what it left out. */

/** One memory in the JSONL shape `engine.import` reads (see engine/import.ts), plus where it came from. */
export interface PeerRecord {
  /** Stable id derived from the source (see stable-id.ts): importing the same source again finds it. */
  id: string;
  content: string;
  type: string;
  tags: string[];
  /** A project key, or null for the global scope; always explicit so the default scope never guesses. */
  project: string | null;
  metadata: Record<string, unknown>;
  created_at?: string;
  updated_at?: string;
  event_time?: string;
  expires_at?: string | null;
  priority?: number;
  status?: "active" | "superseded" | "archived";
  /** The stable id of the record that replaced this one, when it is in the same batch. */
  superseded_by?: string | null;
  access_count?: number;
  last_accessed_at?: string;
  session_id?: string;
  agent?: string;
  source?: string;
  /** Where in the source this record comes from ("memory.jsonl line 3"), for reports and errors; not stored. */
  where: string;
}

/** A typed link between two records of the same batch, by their stable ids. */
export interface PeerLink {
  from: string;
  to: string;
  relation: string;
  where: string;
}

/** Something in the source that was deliberately not imported, and why. */
export interface PeerSkip {
  where: string;
  reason: string;
}

export interface PeerBatch {
  records: PeerRecord[];
  links: PeerLink[];
  skipped: PeerSkip[];
  /**
   * Files this batch is the whole of (a repository's rule files): a memory imported from one of them before,
   * in the same scope, that no record of the batch is now, says what the file no longer says, and is retired.
   */
  whole?: WholeFiles;
}

/** The files a batch holds all of: memories with `metadata.source_format` = format and a `metadata.file` it covers. */
export interface WholeFiles {
  format: string;
  project: string | null;
  /**
   * Whether the batch says everything `file` (as `metadata.file` names it) holds now: a file it read, or one
   * of its kind that is gone from the source (it says nothing now). `metadata` is the memory's (basic-memory
   * tells the folder a note came from by it).
   */
  covers(file: string, metadata: Record<string, unknown>): boolean;
  /** A tag every memory imported from these files carries (to find them through the tag index). */
  tag: string;
}

export interface AdapterOptions {
  /** The project records go to: a key, null = global, undefined = the adapter's documented default. */
  project: string | null | undefined;
  /** The project key of a directory (config/project.ts), for adapters whose default is "the repo's project". */
  projectOfDir: (dir: string) => string;
}

export interface Adapter {
  /** Reads `path` (a file or a directory, per format) into records; throws PEER_RECORD naming the bad record. */
  read(path: string, opts: AdapterOptions): PeerBatch;
}

/** The import line `engine.import` reads: the record without its source location. */
export function toImportLine(record: PeerRecord): Record<string, unknown> {
  const { where: _where, ...line } = record;
  return line;
}
