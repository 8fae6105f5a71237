/** @module Secret redaction against a realistic corpus: every fake secret must vanish, every look-alike must survive. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { redactSecrets } from "../../src/capture/redact.ts";

const DIR = join(import.meta.dir, "../fixtures/secrets");

/** Splits a corpus file into named sections (`===== name` headers). */
function sections(file: string): Array<{ name: string; text: string }> {
  const parts = readFileSync(join(DIR, file), "utf8").split(/^===== (\S+)\n/m);
  const out: Array<{ name: string; text: string }> = [];
  for (let i = 1; i < parts.length; i += 2) out.push({ name: parts[i]!, text: parts[i + 1]! });
  return out;
}

const positives = sections("positives.txt");
const expected: Record<string, string[]> = JSON.parse(readFileSync(join(DIR, "positives.json"), "utf8")).secrets;
const negatives = sections("negatives.txt");

describe("positive corpus", () => {
  test("has at least 40 secrets", () => {
    expect(new Set(Object.values(expected).flat()).size).toBeGreaterThanOrEqual(40);
    expect(positives.map((p) => p.name).sort()).toEqual(Object.keys(expected).sort());
  });
  for (const { name, text } of positives) {
    test(`${name}: every secret value is gone`, () => {
      const { text: out, redactions } = redactSecrets(text);
      const leaked = expected[name]!.filter((v) => out.includes(v));
      expect(leaked).toEqual([]);
      expect(redactions.length).toBeGreaterThan(0);
      expect(out).toContain("[REDACTED:");
    });
  }
});

describe("negative corpus", () => {
  test("has at least 30 texts", () => expect(negatives.length).toBeGreaterThanOrEqual(30));
  for (const { name, text } of negatives) {
    test(`${name}: unchanged`, () => {
      const { text: out, redactions } = redactSecrets(text);
      expect(out).toBe(text);
      expect(redactions).toEqual([]);
    });
  }
});

describe("shape of the output", () => {
  test("connection strings keep scheme, user and host", () => {
    const { text, redactions } = redactSecrets("DATABASE_URL=postgres://app:pR3tty-S3cret@db.example.com:5432/app");
    expect(text).toBe("DATABASE_URL=postgres://app:[REDACTED:password]@db.example.com:5432/app");
    expect(redactions).toEqual([{ kind: "password" }]);
  });

  test("assignments keep the key and the quotes", () => {
    expect(redactSecrets(`"password": "hunter2!"`).text).toBe(`"password": "[REDACTED:password]"`);
    expect(redactSecrets("DB_PASSWORD=hunter2").text).toBe("DB_PASSWORD=[REDACTED:password]");
    expect(redactSecrets("  api_key: 'a8F3kL0pQ9zX7cV2'").text).toBe("  api_key: '[REDACTED:api_key]'");
  });

  test("known token formats are named by kind", () => {
    const { redactions } = redactSecrets("use ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5 then AKIAQ7XR2M4PLK5TWZ3N");
    expect(redactions.map((r) => r.kind)).toEqual(["aws_access_key_id", "github_token"]);
  });

  test("text without secrets is returned as is", () => {
    const text = "We use pnpm, not npm. See commit 3f9a2c71e4b8d05a6c2e9f1b7d4a8c3e5f6b2a19.";
    expect(redactSecrets(text)).toEqual({ text, redactions: [] });
  });
});

test("redaction is idempotent: a second pass finds nothing new", () => {
  for (const { text } of positives) {
    const once = redactSecrets(text).text;
    expect(redactSecrets(once)).toEqual({ text: once, redactions: [] });
  }
});
