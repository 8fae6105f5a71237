/** @module Reading a peer's files for an adapter, with read failures and bad records reported as cairn errors. */
import { readFileSync, statSync } from "node:fs";
import { cairnError, describeError } from "../errors.ts";

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw cairnError("IMPORT_READ", [path, describeError(err)], err);
  }
}

/** True for a directory, false for a file; a path that cannot be read fails as {@link readText} names it. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    readText(path);
    throw badRecord(path, "the path", "it is neither a file nor a directory");
  }
}

/** The error for one bad record: which file, where in it, what is wrong; nothing is imported. */
export function badRecord(file: string, where: string, why: string): Error {
  return cairnError("PEER_RECORD", [file, where, why]);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
