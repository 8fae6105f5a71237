/**
 * @module Things one picks one of: package managers, test runners, databases, CDNs, CI services, editors,
 * password hashes… A statement naming one and a later one about the same subject naming another of the same
 * kind ("Password hashing uses bcrypt" → "Passwords are hashed with Argon2id") most likely changes it, though
 * they share no change word: the knowledge a model would bring, written down for the common cases. A list
 * written from general knowledge, not from any test set; a name is matched as a whole word, aliases count as
 * one ("postgres" / "postgresql", "k8s" / "kubernetes"). Names used mostly as English words in notes ("go",
 * "make", "render", "cursor", "swift", "linear", "heap" …) are left out; a swap also needs
 * both statements to name one of the same kind and share a subject word, so "black" the formatter stays.
 */

/** Kinds of interchangeable things; each name's aliases joined by `|`, the first being how it is reported. */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  "JavaScript package manager": ["npm", "pnpm", "yarn"],
  "Python package manager": ["pip", "poetry", "pipenv", "uv", "conda", "pdm"],
  "JavaScript test runner": ["jest", "vitest", "mocha", "jasmine", "ava"],
  "Python test runner": ["pytest", "unittest", "nose2"],
  "browser test tool": ["playwright", "cypress", "selenium", "puppeteer", "webdriverio"],
  bundler: ["webpack", "vite", "rollup", "esbuild", "parcel", "turbopack", "rspack"],
  "UI framework": ["react", "vue|vue.js|vuejs", "angular", "svelte", "solidjs", "preact", "ember"],
  "web framework": ["next.js|nextjs", "nuxt", "remix", "sveltekit", "gatsby", "astro"],
  "Python web framework": ["django", "flask", "fastapi"],
  "Node web framework": ["express", "fastify", "koa", "nestjs", "hapi"],
  "JVM framework": ["spring boot", "quarkus", "micronaut"],
  ORM: ["prisma", "typeorm", "sequelize", "drizzle|drizzle-kit", "knex", "mikro-orm", "sqlalchemy", "peewee", "hibernate"],
  "migration tool": ["flyway", "liquibase", "alembic"],
  database: ["postgres|postgresql", "mysql", "mariadb", "sqlite", "sql server|mssql", "oracle", "cockroachdb", "mongodb|mongo", "dynamodb", "firestore", "cassandra"],
  cache: ["redis", "memcached", "valkey"],
  "message broker": ["kafka", "rabbitmq", "sqs", "nats", "pulsar", "kinesis", "activemq", "redpanda"],
  "search engine": ["elasticsearch", "opensearch", "solr", "meilisearch", "typesense", "algolia"],
  "data warehouse": ["snowflake", "bigquery", "redshift", "databricks", "clickhouse", "synapse"],
  "workflow scheduler": ["airflow", "dagster", "prefect", "luigi"],
  "job queue": ["sidekiq", "resque", "celery", "bullmq|bull", "delayed_job", "oban"],
  "container orchestrator": ["kubernetes|k8s", "nomad", "docker swarm", "ecs"],
  "Kubernetes service": ["eks", "gke", "aks", "k3s", "openshift"],
  "deploy tool": ["helm", "kustomize", "argo cd|argocd", "flux", "spinnaker"],
  "infrastructure-as-code tool": ["terraform", "opentofu", "pulumi", "cloudformation"],
  "configuration management tool": ["ansible", "chef", "puppet", "saltstack"],
  "CI service": ["github actions", "gitlab ci", "circleci", "jenkins", "travis ci|travis", "buildkite", "azure pipelines", "teamcity", "drone ci"],
  cloud: ["aws", "gcp|google cloud", "azure", "digitalocean", "hetzner", "linode"],
  "hosting platform": ["heroku", "fly.io", "vercel", "netlify", "railway"],
  CDN: ["cloudflare", "fastly", "cloudfront", "akamai", "bunnycdn"],
  "error tracker": ["sentry", "bugsnag", "rollbar", "honeybadger"],
  "monitoring service": ["datadog", "new relic", "honeycomb", "dynatrace"],
  "Go logging library": ["logrus", "zap", "zerolog", "slog"],
  "on-call service": ["pagerduty", "opsgenie", "victorops"],
  "feature flag service": ["launchdarkly", "unleash", "flagsmith", "growthbook", "configcat"],
  "identity provider": ["auth0", "okta", "cognito", "keycloak", "clerk"],
  "payment provider": ["stripe", "braintree", "adyen", "paypal", "paddle"],
  "email service": ["sendgrid", "mailgun", "postmark", "ses", "mandrill", "sparkpost"],
  "team chat": ["slack", "microsoft teams", "mattermost", "discord"],
  "issue tracker": ["jira", "youtrack", "asana", "trello"],
  wiki: ["confluence", "notion"],
  "code host": ["github", "gitlab", "bitbucket"],
  editor: ["vs code|vscode|visual studio code", "neovim|nvim", "vim", "emacs", "intellij", "webstorm", "pycharm", "sublime text", "zed"],
  "password hash": ["bcrypt", "argon2|argon2id|argon2i", "scrypt", "pbkdf2"],
  language: ["golang", "rust", "python", "java", "kotlin", "scala", "typescript", "javascript", "ruby", "php", "elixir", "c#|csharp", "c++|cpp"],
  "mobile UI toolkit": ["jetpack compose", "swiftui", "uikit", "flutter", "react native"],
  "state library": ["redux", "mobx", "zustand", "recoil", "jotai", "pinia", "vuex"],
  formatter: ["prettier", "black", "yapf", "autopep8"],
  linter: ["eslint", "tslint", "flake8", "pylint"],
  "type checker": ["mypy", "pyright", "pyre"],
  "versioning scheme": ["semver|semantic versioning", "calver|calendar versioning"],
  "Linux distribution": ["ubuntu", "debian", "alpine", "centos", "rhel", "fedora", "amazon linux"],
  "container engine": ["docker", "podman"],
  "secrets manager": ["vault", "secrets manager", "doppler", "sops"],
  "API style": ["graphql", "grpc", "soap", "trpc"],
  "reverse proxy": ["nginx", "haproxy", "traefik", "envoy", "caddy"],
  "Python app server": ["gunicorn", "uvicorn", "uwsgi", "hypercorn"],
  "JavaScript runtime": ["node.js|nodejs", "deno"],
  "JVM build tool": ["maven", "gradle"],
  "monorepo tool": ["nx", "turborepo", "lerna"],
  "vector database": ["pinecone", "weaviate", "qdrant", "milvus", "pgvector", "chroma"],
  "ML framework": ["pytorch", "tensorflow", "jax"],
  GPU: ["a100", "h100", "v100", "t4", "l4", "a10g"],
  "product analytics": ["mixpanel", "amplitude", "posthog"],
  "design tool": ["figma", "sketch"],
  shell: ["bash", "zsh", "fish"],
  "object store": ["s3", "gcs", "minio", "r2"],
};

interface Name {
  kind: string;
  name: string;
}

/**
 * Each alias's thing, the most words a name takes, and the first words of the names written in several words
 * ("github" of "github actions"): built when first asked, not by every process that loads this module (~1 ms of
 * a cold command, most of which never asks).
 */
interface Names {
  byAlias: Map<string, Name>;
  longest: number;
  openers: Set<string>;
}

let names: Names | undefined;

function table(): Names {
  if (names) return names;
  const byAlias = new Map<string, Name>();
  for (const [kind, entries] of Object.entries(KINDS)) {
    for (const entry of entries) {
      const aliases = entry.split("|");
      for (const alias of aliases) byAlias.set(alias, { kind, name: aliases[0]! });
    }
  }
  const longest = Math.max(...[...byAlias.keys()].map((a) => a.split(" ").length));
  const openers = new Set([...byAlias.keys()].filter((a) => a.includes(" ")).map((a) => a.split(" ")[0]!));
  return (names = { byAlias, longest, openers });
}
/** A word as names are written: letters and digits, with `.`, `+`, `#`, `_` and `-` inside or after ("c++", "node.js", "mikro-orm"). */
const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}._+#-]*/gu;

/**
 * The things `text` names, by kind: kind → the names it uses (as reported). Read word by word, the longest
 * name first ("github actions" before "github", "react native" before "react"); a word that only contains a
 * name ("vite.config.ts", "react-query", "npmrc") is not it. ~1 µs a sentence: recall asks it of many pairs.
 */
export function namedAlternatives(text: string): Map<string, Set<string>> {
  const words = (text.toLowerCase().match(TOKEN) ?? []).map((w) => w.replace(/[._-]+$/, ""));
  const { byAlias, longest, openers } = table();
  const out = new Map<string, Set<string>>();
  for (let i = 0; i < words.length; i++) {
    for (let n = openers.has(words[i]!) ? Math.min(longest, words.length - i) : 1; n >= 1; n--) {
      const found = byAlias.get(n === 1 ? words[i]! : words.slice(i, i + n).join(" "));
      if (!found) continue;
      let names = out.get(found.kind);
      if (!names) out.set(found.kind, (names = new Set()));
      names.add(found.name);
      i += n - 1;
      break;
    }
  }
  return out;
}

/** The ways a name is written ("postgres": postgres, postgresql). */
export const aliasesOf = (name: string): string[] => [...table().byAlias].filter(([, n]) => n.name === name).map(([alias]) => alias);

/** Every name of `kind`, aliases included ("postgres", "postgresql", "mysql" …); none for a kind not listed. */
export const namesOfKind = (kind: string): string[] => (KINDS[kind] ?? []).flatMap((entry) => entry.split("|"));

/** One thing of a kind put in place of another: what the older statement named, what the newer names instead. */
export interface Swap {
  kind: string;
  from: string;
  to: string;
}

/**
 * Whether `next` names, of a kind `prev` names, only things `prev` does not, and `prev` only things `next`
 * does not: "Deploys go through Jenkins" → "GitHub Actions runs the deploys". Naming one in common ("use
 * pnpm, not npm" → "npm is not allowed") is the same choice spoken of again, not a swap.
 */
export const swappedAlternative = (prev: string, next: string): Swap | null => swapBetween(namedAlternatives(prev), namedAlternatives(next));

/** {@link swappedAlternative} of what two statements name (namedAlternatives), when read once for many pairs. */
export function swapBetween(p: ReadonlyMap<string, ReadonlySet<string>>, n: ReadonlyMap<string, ReadonlySet<string>>): Swap | null {
  for (const [kind, before] of p) {
    const after = n.get(kind);
    if (!after || [...after].some((x) => before.has(x))) continue;
    return { kind, from: [...before][0]!, to: [...after][0]! };
  }
  return null;
}
