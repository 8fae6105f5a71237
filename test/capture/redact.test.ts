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

describe("formats found missing by the byte scan (issue 18)", () => {
  test("Azure SAS sig=, SECRET_KEY_BASE, an encryption key in prose, a bare base64 blob", () => {
    const cases: Array<[string, string]> = [
      [
        "https://acct.blob.core.windows.net/c/f.csv?sv=2022-11-02&sp=r&sig=q7Zk%2Fp3XvR9mW2tL8nB4yH6cF1dJ0sA5eG7uK3oP%2BiQ%3D&st=x",
        "https://acct.blob.core.windows.net/c/f.csv?sv=2022-11-02&sp=r&sig=[REDACTED:signature]&st=x",
      ],
      [
        "SECRET_KEY_BASE=8d3f1a9c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f",
        "SECRET_KEY_BASE=[REDACTED:secret]",
      ],
      [
        "the encryption key is 4b9e2c7a1f8d3e6b0a5c9f2e7d1b4a8c3f6e9d2b5a8c1f4e7d0b3a6c9f2e5d8b.",
        "the encryption key is [REDACTED:secret].",
      ],
      ["paste this into the vault:\nq7ZkVp3XvR9mW2tL8nB4yH6cF1dJ0sA5eG7uK3oPiQ+Yw2Nx5Tb8Mr1Lh4Dg", "paste this into the vault:\n[REDACTED:high_entropy]"],
      // A base64 value may start with "/": it is not a path.
      ["export SIGNING_KEY=/sJCSWN7V6gcCGaDpV7XeIwoHkeWp4F54BJxV3VWpCF=", "export SIGNING_KEY=[REDACTED:secret]"],
    ];
    for (const [input, output] of cases) expect(redactSecrets(input).text).toBe(output);
  });

  test("a value straight after the word, and an assignment inside another", () => {
    const cases: Array<[string, string]> = [
      ["keep the psql password Hy6#pQ9sVb2Lx in mind", "keep the psql password [REDACTED:password] in mind"],
      ["new password Mb7$wR2kQx9Zp4 is set on the replica", "new password [REDACTED:password] is set on the replica"],
      ["note: PGPASSWORD='Xq7!HrUyc2Y4Rr' psql -h db", "note: PGPASSWORD='[REDACTED:password]' psql -h db"],
      ["note: SECRET_KEY_BASE=8d3f1a9c7e5b2d4f6a8c0e1b3d5f7a9c", "note: SECRET_KEY_BASE=[REDACTED:secret]"],
    ];
    for (const [input, output] of cases) expect(redactSecrets(input).text).toBe(output);
    for (const text of [
      "the password strength meter v2.1 and the password field",
      "the token HS256-signed is fine",
      "[auth][error] MissingSecret: Please define a `secret` in production",
      "permissions: id-token: write",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });

  test("look-alikes stay: commit hashes, UUIDs, ids in URLs, checksums, integrity strings, identifiers", () => {
    for (const text of [
      "fixed in a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0 (see the commit message)",
      "the cache key is 3f9a2c71e4b8d05a6c2e9f1b7d4a8c3e5f6b2a19",
      "idempotency key is 550e8400-e29b-41d4-a716-446655440000",
      "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd/view",
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  cairn-linux-x64.tar.gz",
      '"integrity": "sha512-3vYp6y8yQ2cQ7R1mYhH7kK0Yc1xq8r0H4m0Yc9o1W7mM9s6oG9ZcKk3Jb2c1s5w8V1K6dP4m2yZ8tQ7oF5rA=="',
      "github.com/pkg/errors v0.9.1 h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=",
      "code_challenge: 'CUZX5qE8Wvye6kS_SasIsa8MMxacJftmWdsIA_iKp3I'",
      "getUserAccountSettingsForOrganizationById2AndRegion3 returns null",
      "echo 'VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZw==' | base64 -d",
      "config at /etc/cairn/keys/signing.pem, SIGNING_KEY_FILE=/run/secrets/signing_key",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });
});
