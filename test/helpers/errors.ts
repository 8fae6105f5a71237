/** @module Test helper: the CairnError a call throws (any other outcome fails the test). */
import { CairnError } from "../../src/errors.ts";

/** Runs `fn` and returns the CairnError it throws; rethrows anything else, fails if nothing is thrown. */
export function cairnErrorOf(fn: () => unknown): CairnError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CairnError) return err;
    throw err;
  }
  throw new Error("expected a CairnError");
}

/** The code of the CairnError `fn` throws. */
export const codeOf = (fn: () => unknown): string => cairnErrorOf(fn).code;
