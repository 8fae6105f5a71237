/**
 * @module Passwords given to a command as a short flag: `mysql -uroot -pS3cret` (the MySQL/MariaDB clients take
 * the password glued to `-p`), `sshpass -p 'pw' ssh …`, `docker login -u bob -p pw`. `-p` means a port, a
 * profile or "parents" to most other tools (`psql -p 5432`, `ssh -p 2222`, `docker run -p 8080:80`,
 * `mkdir -p`), so only these programs' own `-p` is read as a password; long `--password X` / `--password=X`
 * flags are redact.ts's (SECRET_FLAG, assignments). A few other clients' own password flags likewise
 * ({@link OWN_FLAG}).
 */
import { isPlaceholder } from "./secret-values.ts";

/** A flag's value: double- or single-quoted, or a bare word (a closing backtick of inline code is not part of it). */
const VALUE = String.raw`("[^"\n]*"|'[^'\n]*'|[^\s"'\x60][^\s\x60]*)`;

/**
 * The MySQL/MariaDB clients, then `-p` with the password glued to it, in the same command (up to `|;&`).
 * `-p` followed by a space asks for the password at a prompt and is left alone.
 */
const MYSQL_P = new RegExp(
  String.raw`((?<![\w.-])(?:mysql|mariadb|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mariadb-dump|mariadb-admin)(?=\s)` +
    String.raw`[^\n|;&]*?\s-p)` + VALUE,
  "g",
);

/** The word before `at` is an option (`--name mysql`, `-e mysql`): there the name is a value, not the program run. */
function afterOption(text: string, at: number): boolean {
  return /(?:^|\s)-[\w-]*[ \t=]+$/.test(text.slice(Math.max(0, at - 40), at));
}

/** `sshpass [-f file | -d fd | -P prompt | -e | -v] -p password command…`: only sshpass's own options, before the command. */
const SSHPASS_P = new RegExp(String.raw`(\bsshpass(?:\s+(?:-[fdP][ \t]*\S+|-[evhV]+))*\s+-p[ \t]*)` + VALUE, "g");

/** `docker login … -p pw`, `--password pw`, `--password=pw` (podman, nerdctl, buildah, skopeo alike); not `--password-stdin`. */
const REGISTRY_LOGIN = new RegExp(
  String.raw`(\b(?:docker|podman|nerdctl|buildah|skopeo)\s+login\b[^\n|;&]*?\s(?:-p[ \t]*|--password(?:[ \t]+|=)))` + VALUE,
  "g",
);

/**
 * Other clients' own password flags, each only after its program in the same command: `redis-cli -a pw`
 * (agents retry with it after "NOAUTH"), `ldapsearch/ldapmodify/ldapadd … -w pw`, `zip/unzip … -P pw`, `7z … -ppw`,
 * `az login … -p pw`, `smbclient … -U user%pw` (the part after %).
 */
const OWN_FLAG: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/redis-cli/, new RegExp(String.raw`(\bredis-cli\b[^\n|;&]*?\s-a[ \t]+)` + VALUE, "g")],
  [/ldap/, new RegExp(String.raw`(\bldap(?:search|modify|add|delete|passwd|whoami|compare)\b[^\n|;&]*?\s-w[ \t]+)` + VALUE, "g")],
  [/zip/, new RegExp(String.raw`(\b(?:zip|unzip)\b[^\n|;&]*?\s-P[ \t]*)` + VALUE, "g")],
  // 7-Zip takes it glued to a lower-case -p.
  [/7z/, new RegExp(String.raw`(\b7za?\b[^\n|;&]*?\s-p)` + VALUE, "g")],
  [/\baz\b/, new RegExp(String.raw`(\baz\s+login\b[^\n|;&]*?\s(?:-p[ \t]+|--password(?:[ \t]+|=)))` + VALUE, "g")],
  [/smbclient/, new RegExp(String.raw`(\bsmbclient\b[^\n|;&]*?\s-U[ \t]*[^\s%]+%)` + VALUE, "g")],
];

/** A value that stands in for the password (`"$MYSQL_PWD"`, `${PW}`, a marker left by an earlier rule). */
function standsIn(value: string): boolean {
  const v = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  return v === "" || isPlaceholder(v) || /^\$/.test(v);
}

/** Replaces the password, keeping its quotes. */
function replaceValue(value: string, hit: (kind: string) => string): string {
  const q = /^["']/.test(value) ? value[0]! : "";
  return `${q}${hit("password")}${q}`;
}

/** Replaces passwords passed to mysql/mariadb, sshpass and registry logins; `hit` records the redaction and returns its marker. */
export function redactCommandSecrets(text: string, hit: (kind: string) => string): string {
  if (!/-[pPawU]|--password/.test(text)) return text;
  // Each pattern captures the command up to the flag (`head`) and the value after it.
  const redact = (s: string, flag: RegExp) => s.replace(flag, (m, head: string, value: string) => (standsIn(value) ? m : head + replaceValue(value, hit)));
  let out = text;
  for (const [program, flag] of OWN_FLAG) if (program.test(out)) out = redact(out, flag);
  if (/mysql|mariadb/.test(out)) {
    const src = out;
    out = out.replace(MYSQL_P, (m, head: string, value: string, at: number) =>
      // `-p3306:3306` after a mysql word is a port mapping, not a password.
      standsIn(value) || afterOption(src, at) || /^\d+(?::\d+)+$/.test(value) ? m : head + replaceValue(value, hit),
    );
  }
  if (out.includes("sshpass")) out = redact(out, SSHPASS_P);
  if (/\blogin\b/.test(out)) out = redact(out, REGISTRY_LOGIN);
  return out;
}
