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

  test("a credential set to a value, as agents report what they did, and \"pw\": the value goes (QA)", () => {
    const cases: Array<[string, string]> = [
      ["I set the db password to Zq8#mK2pLx9", "I set the db password to [REDACTED:password]"],
      ["changed the admin password to Zq8#mK2pLx9 yesterday", "changed the admin password to [REDACTED:password] yesterday"],
      ["the root pw is Zq8#mK2pLx9", "the root pw is [REDACTED:password]"],
      ["set the pw to 4821", "set the pw to [REDACTED:password]"],
      ["I rotated the signing key to 8d3f1a9c7e5b2d4f6a8c0e1b3d5f7a9c", "I rotated the signing key to [REDACTED:secret]"],
      ['updated the staging token to "tok_live_88af"', 'updated the staging token to "[REDACTED:token]"'],
    ];
    for (const [input, output] of cases) expect(redactSecrets(input).text).toBe(output);
    for (const text of [
      "reset the password to the default",
      "set the token to expire after 3600s",
      "update the password to 12 characters",
      "Set the API key to $STRIPE_KEY",
      "changed the password to something stronger",
      "set the password policy to require 12 chars",
      "we switched the session key to rotate weekly",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });

  test("a password after with/using, in a user-and-password pair, a passphrase of words run together, a PIN, a passcode (QA)", () => {
    const cases: Array<[string, string]> = [
      ["ssh root@host with password Kq7vR2mzX9kk", "ssh root@host with password [REDACTED:password]"],
      ["connect using password Kq7vR2mzX9mm", "connect using password [REDACTED:password]"],
      // Letters and digits of one case after "with password" (QA: stored in clear through MCP).
      ["ssh in with password hunter2hunter2", "ssh in with password [REDACTED:password]"],
      ["log in using the password abc123def", "log in using the password [REDACTED:password]"],
      ["sftp creds: user bob pass Kq7vR2mzX9oo", "sftp creds: user bob pass [REDACTED:password]"],
      ["username: admin, password: hunter", "username: admin, password: [REDACTED:password]"],
      ["The vault passphrase: correcthorsebatterystaple", "The vault passphrase: [REDACTED:password]"],
      ["the wifi password is correcthorsebatterystaple", "the wifi password is [REDACTED:password]"],
      ["The root password is horsestaple", "The root password is [REDACTED:password]"],
      ["my pin is 4921", "my pin is [REDACTED:pin]"],
      ["the door passcode 88213377 works", "the door passcode [REDACTED:password] works"],
    ];
    for (const [input, output] of cases) expect(redactSecrets(input).text).toBe(output);
    for (const text of [
      "user guide pass rates are improving",
      "reset it with password reset flow",
      "sign in with password authentication v2",
      "the password is automatically rotated",
      "the password is different per environment",
      "the password is whitespace-trimmed",
      "the LED pin is GPIO5",
      "the reset pin is 13",
      "the username is admin and the password is required",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });

  test("logins written user / password or user:password, a password used to log in, other languages' words, an unseal key (QA)", () => {
    const cases: Array<[string, string]> = [
      ["login admin / Vt6yU8iO0pQ2 on the router", "login admin / [REDACTED:password] on the router"],
      ["credentials are admin:Rb4nM6xZ1wQ9", "credentials are admin:[REDACTED:password]"],
      ["creds: admin / Hq3wE5rT7yU9", "creds: admin / [REDACTED:password]"],
      ["the password? it's Lm5nB7vC9xZ1", "the password? it's [REDACTED:password]"],
      ["use Pa55w0rd!2024 to log in as admin", "use [REDACTED:password] to log in as admin"],
      ["Passwort ist Gz5hJ7kL9mN1", "Passwort ist [REDACTED:password]"],
      ["contraseña: Rt5yU7iO9pA1", "contraseña: [REDACTED:password]"],
      ["vault unseal key: 7c1e9a02f3b4d5e6a7b8c9d0e1f2a3b4", "vault unseal key: [REDACTED:api_key]"],
    ];
    for (const [input, output] of cases) expect(redactSecrets(input).text).toBe(output);
    for (const text of [
      "login page / dashboard redesign",
      "the login: https://app.example.com/login",
      "use React18 to log in users",
      "credentials are in 1Password",
      "the password? it's in the vault",
      "Passwort ist zu kurz",
      "use the staging DB to connect",
      "compass: north",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });

  test("a US social security number goes; dates, phone numbers and impossible numbers stay (QA)", () => {
    expect(redactSecrets("patient SSN 123-45-6789 on file").text).toBe("patient SSN [REDACTED:ssn] on file");
    for (const text of ["date 2024-01-15", "call 555-123-4567", "id 1-123-45-6789", "666-12-3456, 900-12-3456, 123-00-4567", "v123-45-6789"]) {
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

describe("credential forms found missing by the QA pass: command-line passwords", () => {
  test("mysql/mariadb glued -p, sshpass -p, docker login -p/--password, and --password flags go", () => {
    const cases: Array<[string, string]> = [
      [
        'mysql -u root -pS3cr3tPassw0rd -h db.internal payments -e "select 1"',
        'mysql -u root -p[REDACTED:password] -h db.internal payments -e "select 1"',
      ],
      ["docker exec -it db mariadb -uroot -pS3cr3tPassw0rd shop", "docker exec -it db mariadb -uroot -p[REDACTED:password] shop"],
      ["mysqldump -u root -p'S3cr3t Pw' shop > shop.sql", "mysqldump -u root -p'[REDACTED:password]' shop > shop.sql"],
      ["/usr/bin/mysqladmin -uroot -pS3cr3tPassw0rd status", "/usr/bin/mysqladmin -uroot -p[REDACTED:password] status"],
      ["mysql -u root --password=S3cr3tPassw0rd shop", "mysql -u root --password=[REDACTED:password] shop"],
      ["mysql -u root --password S3cr3tPassw0rd shop", "mysql -u root --password [REDACTED:password] shop"],
      ["mysql -u root --password 'S3cr3t Pw' shop", "mysql -u root --password '[REDACTED:password]' shop"],
      ["sshpass -p 'Sup3rS3cretPw' ssh deploy@host", "sshpass -p '[REDACTED:password]' ssh deploy@host"],
      ["sshpass -p Sup3rS3cretPw ssh deploy@host uptime", "sshpass -p [REDACTED:password] ssh deploy@host uptime"],
      ["sshpass -v -pSup3rS3cretPw scp a host:", "sshpass -v -p[REDACTED:password] scp a host:"],
      ["docker login -u bob -p hunter2 registry.example.com", "docker login -u bob -p [REDACTED:password] registry.example.com"],
      ["podman login quay.io -u bob --password hunter2", "podman login quay.io -u bob --password [REDACTED:password]"],
      ["docker login --password=hunter2 -u bob", "docker login --password=[REDACTED:password] -u bob"],
      ["run `mysql -uroot -pS3cr3tPassw0rd shop` first", "run `mysql -uroot -p[REDACTED:password] shop` first"],
      ["run `mysql -uroot -pS3cr3tPassw0rd` first", "run `mysql -uroot -p[REDACTED:password]` first"],
      ["redis-cli -h cache -a R3disPassw0rdX ping", "redis-cli -h cache -a [REDACTED:password] ping"],
      ["ldapsearch -x -D cn=admin -w LdapPw12345 -b dc=x", "ldapsearch -x -D cn=admin -w [REDACTED:password] -b dc=x"],
      ["smbclient //host/share -U bob%SmbPw12345", "smbclient //host/share -U bob%[REDACTED:password]"],
      ["zip -P ZipPass123 out.zip a.txt", "zip -P [REDACTED:password] out.zip a.txt"],
      ["7z a -pZipPass123 out.7z dir", "7z a -p[REDACTED:password] out.7z dir"],
      ["az login -u bob@x.com -p AzurePw12345", "az login -u bob@x.com -p [REDACTED:password]"],
    ];
    for (const [input, output] of cases) expect(redactSecrets(input).text).toBe(output);
  });

  test("-p as a port, profile, parents or prompt flag stays, as does a password taken from a variable or stdin", () => {
    for (const text of [
      "docker run -p 8080:80 nginx",
      "docker run --name mysql -p3306:3306 -d mysql:8",
      "docker run -d mysql:8 -p3306:3306",
      "psql -h localhost -p 5432 -U postgres mysql_migration",
      "ssh -p 2222 deploy@host",
      "pytest -p no:cacheprovider",
      "mkdir -p src/capture && cargo test -p cairn-core",
      "git log -p -- src",
      "mysql -u root -p shop",
      "mysql -h db -P 3306 -u app -p",
      'mysql -u root -p"$MYSQL_PASSWORD" shop',
      "sshpass -e ssh -p 2222 deploy@host",
      "sshpass -f ~/.pw ssh -p 2222 deploy@host",
      'sshpass -p "$SSHPASS" ssh deploy@host',
      "echo $CR_PAT | docker login ghcr.io -u bob --password-stdin",
      'docker login ghcr.io -u bob -p "$CR_PAT"',
      'redis-cli -a "$REDIS_PASSWORD" ping',
      "grep -a needle haystack.bin",
      "tar -P -cf backup.tar /etc",
      "zip -r out.zip src",
      "kubectl get pods -w",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });
});

describe("credential forms found missing by the QA pass: tokens and URLs", () => {
  test("Docker Hub PATs, Discord webhooks, Mailgun keys, Sentry DSNs, Telegram bot tokens", () => {
    const cases: Array<[string, string]> = [
      ["docker login -u bob -p dckr_pat_Ab3dEf6hIj9kLm2nOp5qRs8tUv1", "docker login -u bob -p [REDACTED:docker_token]"],
      ["DOCKERHUB=dckr_pat_Ab3dEf6hIj9kLm2nOp5qRs8tUv1 in CI", "DOCKERHUB=[REDACTED:docker_token] in CI"],
      [
        "alerts go to https://discord.com/api/webhooks/112233445566778899/Xy7_kLm9NoP3qRs5TuV7wXy9Za1bC3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5z now",
        "alerts go to https://discord.com/api/webhooks/112233445566778899/[REDACTED:discord_webhook] now",
      ],
      [
        "https://discordapp.com/api/webhooks/112233445566778899/Xy7_kLm9NoP3qRs5TuV7wXy9Za1bC3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5z",
        "https://discordapp.com/api/webhooks/112233445566778899/[REDACTED:discord_webhook]",
      ],
      ["the mailgun one is key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "the mailgun one is [REDACTED:mailgun_key]"],
      ["Mailgun: key-0123456789abcdef0123456789abcdef", "Mailgun: [REDACTED:mailgun_key]"],
      [
        "errors go to https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/4504 in prod",
        "errors go to https://[REDACTED:sentry_dsn]@o123456.ingest.sentry.io/4504 in prod",
      ],
      ['Sentry.init({ dsn: "https://0123456789abcdef0123456789abcdef@sentry.acme.dev/7" })', 'Sentry.init({ dsn: "https://[REDACTED:sentry_dsn]@sentry.acme.dev/7" })'],
      [
        "curl https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0/getMe",
        "curl https://api.telegram.org/bot[REDACTED:telegram_bot_token]/getMe",
      ],
    ];
    for (const [input, output] of cases) {
      expect(redactSecrets(input).text).toBe(output);
      expect(redactSecrets(output).redactions).toEqual([]); // idempotent
    }
  });

  test("look-alikes stay: ids in Discord and Sentry links, key- names and digests, user@host URLs", () => {
    for (const text of [
      "https://discord.com/channels/112233445566778899/223344556677889900",
      "see https://discord.com/developers/docs/resources/webhook",
      "https://sentry.io/organizations/acme/issues/4504/",
      "git clone https://git@github.com/acme/cairn.git",
      "a key-value store",
      "cache key-d41d8cd98f00b204e9800998ecf8427e",
      "the monkey-patch key-rotation-schedule-for-2025-q1-ops",
      "dckr_pat_ is Docker Hub's prefix",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });
});

describe("credential forms found missing by the QA pass: payment cards", () => {
  test("a Luhn-valid card number, grouped or in one run, goes, and a CVV beside it", () => {
    const cases: Array<[string, string]> = [
      ["card 4111 1111 1111 1111 cvv 123", "card [REDACTED:card_number] cvv [REDACTED:card_cvv]"],
      ["charge 5500-0000-0000-0004, CVC: 4321.", "charge [REDACTED:card_number], CVC: [REDACTED:card_cvv]."],
      ["amex 3782 822463 10005 works", "amex [REDACTED:card_number] works"],
      ["test card 5555555555554444 exp 12/30", "test card [REDACTED:card_number] exp 12/30"],
      ["use 4242424242424242 for the happy path", "use [REDACTED:card_number] for the happy path"],
    ];
    for (const [input, output] of cases) {
      expect(redactSecrets(input).text).toBe(output);
      expect(redactSecrets(output).redactions).toEqual([]);
    }
  });

  test("ordinary numbers stay: timestamps, ids, port lists, failed Luhn, other prefixes, decimals, phone numbers", () => {
    for (const text of [
      "started at 1710148442123, finished at 1710148442999",
      "event 1712345678901234567 and snowflake 112233445566778899",
      "order id 4111111111111112", // fails the Luhn check
      "row 1234567812345670", // passes Luhn, but no card starts with 1
      "1234 5678 9012 3456",
      "ports 4003 4004 4005 4006 are free", // Luhn-valid with a card prefix, but a list counting up
      "ports 8080 8081 8443",
      "amount 4111111111111111.50 and /orders/4111111111111111/items",
      "call +49 4111 1111 1111 1111",
      "tel 0049 170 1234 5678, ISBN 978-3-16-148410-0",
      "sha 4111111111111111abc",
      "the cvv 123 field is validated client-side",
    ]) {
      expect(redactSecrets(text)).toEqual({ text, redactions: [] });
    }
  });
});
