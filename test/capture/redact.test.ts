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

describe("secrets stated in prose", () => {
  test("a value after password/passphrase/secret/token/api key/pwd/pass + is/was/:/= goes, the sentence stays", () => {
    const cases: Array<[string, string]> = [
      ["the password is hunter2", "the password is [REDACTED:password]"],
      ["db pass: Tr0ub4dor&3", "db pass: [REDACTED:password]"],
      ["my token is abc123def456ghi789 if you need it", "my token is [REDACTED:token] if you need it"],
      ["set PGPASSWORD=s3cr3tPw then run psql", "set PGPASSWORD=[REDACTED:password] then run psql"],
      ["The admin password was Summer2024! before the reset.", "The admin password was [REDACTED:password] before the reset."],
      ["the API key is 9f8e7d6c5b4a.", "the API key is [REDACTED:api_key]."],
      ["my pwd is qwerty123", "my pwd is [REDACTED:password]"],
      ["the passphrase is 'correct horse battery staple'", "the passphrase is '[REDACTED:password]'"],
      ['The root password for the VM is "Zx81!spectrum".', 'The root password for the VM is "[REDACTED:password]".'],
    ];
    for (const [input, output] of cases) expect(redactSecrets(input).text).toBe(output);
  });

  test("credential words in ordinary prose are left alone", () => {
    for (const text of [
      "the password reset flow is broken",
      "token bucket rate limiter",
      "secret management is handled by Vault",
      "the password is stored hashed with argon2",
      "the token is a JWT and is valid for 3600s",
      "the password is required",
      "the password is 12 characters long",
      "the token is HS256-signed",
      "the secret is to keep functions small",
      "the api key is in 1Password under 'Stripe prod'",
      "the token = getToken()",
      "token: process.env.TOKEN",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });

  test("an all-letter value cannot be told from prose and is kept unless quoted", () => {
    expect(redactSecrets("the password is letmein").redactions).toEqual([]);
    expect(redactSecrets('the password is "letmein"').text).toBe('the password is "[REDACTED:password]"');
  });
});

test("redaction is idempotent: a second pass finds nothing new", () => {
  for (const { text } of positives) {
    const once = redactSecrets(text).text;
    expect(redactSecrets(once)).toEqual({ text: once, redactions: [] });
  }
});
