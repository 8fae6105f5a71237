/**
 * @module Project identity: the normalised git remote of a repository (`github.com/acme/payments`), else its
 * absolute path, plus a short display name. It reads `.git/config` itself instead of spawning git, because
 * hooks spawn cairn on every event; it sits in domain because the store's migration needs it too.
 */
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";

/**
 * A remote URL as a machine- and clone-independent name: scheme, user, port and `.git` dropped, host
 * lower-cased. `git@github.com:acme/payments.git`, `https://user@github.com/acme/payments` and
 * `ssh://git@github.com:22/acme/payments.git` all become `github.com/acme/payments`. Null when it is not a
 * remote URL (a relative path, an empty string).
 */
export function normaliseRemote(url: string): string | null {
  const text = url.trim();
  let host: string;
  let path: string;
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?([^/:]*)(?::\d*)?(\/.*)?$/i.exec(text);
  const scpLike = /^(?:[^@/:\s]+@)?([^/:\s]+):(?!\/\/)(.+)$/.exec(text);
  if (withScheme) {
    if (withScheme[1]!.toLowerCase() === "file") return stripRepoSuffix(cleanRemotePart(withScheme[3] ?? "")) || null;
    host = withScheme[2]!;
    path = withScheme[3] ?? "";
  } else if (scpLike && !isAbsolute(text)) {
    host = scpLike[1]!;
    path = scpLike[2]!;
  } else if (isAbsolute(text)) {
    return stripRepoSuffix(cleanRemotePart(text, false)) || null; // a remote on this machine's disk: its path names it
  } else {
    return null;
  }
  path = stripRepoSuffix(cleanRemotePart(path).replace(/^\/+/, ""));
  host = cleanRemotePart(host);
  if (host === "" || path === "") return null;
  return `${host.toLowerCase()}/${path}`;
}

/** Characters a project's name may not hold: C0/C1 controls (escapes, line breaks, NUL) and bidi overrides. */
export const NOT_IN_NAMES = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** The longest project name a write or an import may give (a directory's path or a remote fits many times over). */
export const MAX_PROJECT_NAME = 1024;

/**
 * A remote's host or path as a name: percent-escapes decoded (`%D0%9F%D1%80…` is "Пр…", `Payments%20Platform`
 * "Payments Platform": the https clone a browser gave and the ssh clone were two projects, QA), then what a
 * `--project` name may not hold taken out, since nobody typed it to be told so (QA: an ESC sequence in a
 * repository's remote URL reached the terminal through the project name). A run of escapes that is not UTF-8
 * stays as written; a path on disk (`escaped` false) is not a URL and is only cleaned.
 */
function cleanRemotePart(part: string, escaped = true): string {
  const decoded = !escaped ? part : part.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
  return decoded.replace(new RegExp(NOT_IN_NAMES.source, "gu"), "");
}

function stripRepoSuffix(path: string): string {
  return path.replace(/\/+$/, "").replace(/\.git$/i, "").replace(/\/+$/, "");
}

/** The URL of remote "origin" in a git config file's text, else of the first remote that has one. */
export function remoteUrlFromConfig(text: string): string | null {
  let section: string | null = null;
  const urls = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*remote\s+"([^"]*)"\s*\]/i.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    if (line.startsWith("[")) {
      section = null;
      continue;
    }
    const kv = /^url\s*=\s*(.*)$/i.exec(line);
    if (section !== null && kv && !urls.has(section)) urls.set(section, kv[1]!.replace(/^"(.*)"$/, "$1").trim());
  }
  return urls.get("origin") ?? urls.values().next().value ?? null;
}

/**
 * The config file of the repository whose work tree is `root`: `.git/config`, or for a linked worktree or
 * submodule (`.git` is a file saying `gitdir: …`) the config of the repository it points to.
 */
function gitConfigPath(root: string): string | null {
  const dir = gitCommonDir(root);
  return dir === null ? null : `${dir.path}/config`;
}

/** The repository's own git directory for the work tree `root`, and whether `root` is a linked worktree of it. */
function gitCommonDir(root: string): { path: string; linked: boolean } | null {
  const dotGit = `${root}/.git`;
  try {
    if (statSync(dotGit).isDirectory()) return { path: dotGit, linked: false };
    const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"))?.[1]?.trim();
    if (!pointer) return null;
    const gitDir = resolve(root, pointer);
    try {
      return { path: resolve(gitDir, readFileSync(`${gitDir}/commondir`, "utf8").trim()), linked: true };
    } catch {
      return { path: gitDir, linked: false }; // a submodule's git dir holds its own config
    }
  } catch {
    return null;
  }
}

/**
 * The main work tree of the repository `root` is a linked worktree of (`git worktree add`), or null: a worktree of
 * a repository without a remote is the same project as its main checkout (QA: its rules were not injected there).
 */
function mainWorkTree(root: string): string | null {
  const dir = gitCommonDir(root);
  return dir?.linked && basename(dir.path) === ".git" ? dirname(dir.path) : null;
}

/** The normalised remote of the repository at `root`, or null (no repository, no remote, unreadable). */
export function gitRemoteId(root: string): string | null {
  const config = gitConfigPath(root);
  if (config === null) return null;
  try {
    const url = remoteUrlFromConfig(readFileSync(config, "utf8"));
    return url === null ? null : normaliseRemote(url);
  } catch {
    return null;
  }
}

/** The key memories of the project rooted at `root` are stored under: its remote id, else the path (a linked worktree's: its main checkout's). */
export function projectKeyOf(root: string): string {
  return gitRemoteId(root) ?? mainWorkTree(root) ?? root;
}

/** The short name cairn shows for a project key: the repository's or directory's base name. */
export function projectName(key: string): string {
  const trimmed = key.replace(/\/+$/, "");
  return trimmed.includes("/") ? basename(trimmed) || key : trimmed || key;
}
