/** @module The redaction pre-check: every token format's match carries a literal of PREFIXED_HINT, or it would be skipped. */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PREFIXED, PREFIXED_HINT, redactSecrets } from "../../src/capture/redact.ts";

const DIR = join(import.meta.dir, "../fixtures/secrets");
const corpus = readdirSync(DIR).map((f) => readFileSync(join(DIR, f), "utf8")).join("\n");
/** Formats the fixture files do not hold. */
const EXTRA =
  "post to https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijklmnopqrstuvwx now\n" +
  "docker login -u bob -p dckr_pat_Ab3dEf6hIj9kLm2nOp5qRs8tUv1\n" +
  "MAILGUN_KEY is key-3ax6xnjp29jd6fds4gc373sgvjxteol0, the old one key-0123456789abcdef0123456789abcdef\n" +
  "curl https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0/getMe";

test("every format's matches in the secrets corpus pass the pre-check", () => {
  const unmatched: string[] = [];
  const missed: string[] = [];
  for (const { kind, re } of PREFIXED) {
    const hits = [...`${corpus}\n${EXTRA}`.matchAll(new RegExp(re.source, "g"))].map((m) => m[0]);
    if (hits.length === 0) unmatched.push(kind);
    for (const h of hits) if (!PREFIXED_HINT.test(h)) missed.push(`${kind}: ${h}`);
  }
  expect(unmatched).toEqual([]);
  expect(missed).toEqual([]);
});

test("a token alone in a text is still found", () => {
  expect(redactSecrets(EXTRA).text).toContain("[REDACTED:slack_webhook]");
});
