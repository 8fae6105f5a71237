/** @module Reading a peer's files for an adapter, with read failures and bad records reported as cairn errors. */
import { readFileSync, statSync } from "node:fs";
import { cairnError, describeError } from "../errors.ts";
import { firstInvalidUtf8 } from "../text/utf8.ts";

/**
 * The file's text. UTF-8 (a byte-order mark skipped), or UTF-16 when a byte-order mark says so (what
 * PowerShell's `>` writes); anything else (invalid UTF-8, NUL bytes: a binary file) is refused naming the
 * file, where it was turned into garbage memories before.
 */
export function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw cairnError("IMPORT_READ", [path, describeError(err)], err);
  }
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : "utf-8";
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw cairnError("IMPORT_READ", [path, `it is not text in UTF-8 (or UTF-16 with a byte-order mark): byte ${Math.max(0, firstInvalidUtf8(bytes))} is not valid there`]);
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0) throw cairnError("IMPORT_READ", [path, `it holds a NUL character (at character ${nul}): a binary file, not text`]);
  return text;
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
