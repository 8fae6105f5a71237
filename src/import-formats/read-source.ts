/** @module Reading a peer's files for an adapter, with read failures and bad records reported as cairn errors. */
import { readFileSync } from "node:fs";
import { cairnError, describeError } from "../errors.ts";

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw cairnError("IMPORT_READ", [path, describeError(err)], err);
  }
}

/** The error for one bad record: which file, where in it, what is wrong; nothing is imported. */
export function badRecord(file: string, where: string, why: string): Error {
  return cairnError("PEER_RECORD", [file, where, why]);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
