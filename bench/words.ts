/**
 * @module Word lists for the benchmark corpus, roughly in order of frequency: common English first, then
 * the vocabulary of software work, then tools and libraries. {@link vocabulary} pads them with generated
 * pseudo-words to a few thousand entries, the long tail of project-specific names.
 */
import { Rng } from "./rng.ts";

const split = (s: string): string[] => s.trim().split(/\s+/);

export const COMMON = split(`
the to of and a in is it that for on with as this be was are not we but at by from or have an they
you so if can when use all more than one should now will there no only which after before because
need also new just then would like other into out up time first any do make does how what our some
them same still work again way each back much most very well even these those here where why could
may might must about over while last next both every again without between through never always often
better faster slower simple small large old good bad right wrong whole part half full empty clear
sure keep stay run set get put see find try fix add remove change move start stop check call read
write open close load save send pass fail break cause show hide build ship test note step case idea
`);

export const DEV = split(`
file function test build error config value type user data request response server client cache query
database table index schema migration module package dependency version release branch commit merge
review deploy pipeline job worker queue event handler callback promise async await thread process
memory disk network timeout retry limit token session cookie header route endpoint api service
component state props hook render style layout page view model controller store reducer action
payload field column row key record entry list map set array string number boolean null undefined
object class method interface struct enum trait generic import export default path directory folder
script command flag option argument environment variable secret credential permission role auth
login logout signup password email account tenant organization project workspace repository monorepo
lint format compile bundle transpile minify sourcemap coverage snapshot fixture mock stub spy assertion
benchmark profile latency throughput bottleneck leak crash panic exception stack trace log warning
debug info metric alert dashboard incident outage rollback hotfix patch upgrade downgrade deprecation
breaking change regression flaky ci cd docker container image volume port host proxy gateway load
balancer replica shard partition backup restore snapshot encryption certificate tls dns domain url
upload download stream buffer chunk batch pagination cursor offset filter sort search ranking embedding
vector prompt agent context window summary transcript checkpoint preference decision lesson task
parser lexer tokenizer serializer validator formatter logger scheduler cron webhook socket websocket
mutex lock transaction isolation deadlock contention concurrency parallel sequential idempotent atomic
`);

export const TOOLS = split(`
pnpm npm yarn bun deno node typescript javascript vite webpack esbuild rollup turbopack swc babel
postgres postgresql sqlite mysql redis kafka rabbitmq nats clickhouse duckdb mongodb elasticsearch
docker kubernetes helm terraform pulumi ansible nginx caddy traefik envoy cloudflare vercel netlify
react vue svelte solid angular nextjs nuxt remix astro express fastify hono koa nestjs trpc graphql
prisma drizzle kysely typeorm sequelize zod valibot yup vitest jest mocha playwright cypress puppeteer
eslint prettier biome oxlint tsc rust cargo tokio axum serde go gin cobra python pip poetry uv ruff
mypy pytest fastapi django flask celery pydantic numpy pandas grpc protobuf openapi swagger oauth jwt
s3 lambda dynamodb sqs ec2 gcs bigquery github gitlab actions renovate dependabot sentry datadog
grafana prometheus opentelemetry jaeger tailwind sass storybook figma onnx pytorch llama sqlcipher fts5
`);

export const ERROR_NAMES = split(`
TypeError ReferenceError SyntaxError RangeError ECONNREFUSED ETIMEDOUT ENOENT EACCES EADDRINUSE
SQLITE_BUSY SQLITE_CONSTRAINT ERR_MODULE_NOT_FOUND ERR_REQUIRE_ESM UnhandledPromiseRejection
OutOfMemoryError NullPointerException KeyError ValueError IndexError AssertionError DeadlineExceeded
`);

export const DIRS = split("src lib app packages/core packages/web packages/cli internal cmd server client scripts test tools");
export const EXTS = split("ts tsx js mjs rs go py sql json yaml toml md");

/** Lines in other languages and scripts: agents work in them too, and they exercise the CJK tokenising. */
export const FOREIGN = [
  "决定使用 pnpm 工作区，因为依赖安装更快，磁盘占用更小。",
  "数据库迁移失败：外键约束冲突，需要先删除旧索引。",
  "用户喜欢简短的提交信息，用英文写。",
  "テストが不安定なので、タイムアウトを30秒に延ばした。",
  "本番環境ではキャッシュを無効にしないこと。",
  "설정 파일은 프로젝트 루트에 있어야 합니다.",
  "Die Migration schlägt fehl, wenn die Tabelle bereits existiert; zuerst prüfen.",
  "El usuario prefiere pruebas de integración antes que mocks.",
  "Le déploiement échoue si la variable d'environnement n'est pas définie.",
  "Используем кэш Redis для сессий, срок жизни 24 часа.",
  "Não usar console.log em produção; usar o logger estruturado.",
];

const ONSETS = split("b c d f g h j k l m n p r s t v w z br cl dr fl gr kr pl pr sk st str tr th sh ch qu");
const VOWELS = split("a e i o u ai ea io ou y");
const CODAS = ["", "", "n", "r", "l", "s", "x", "t", "m", "nd", "rk", "st", "ll", "ng"];

/** The full ranked vocabulary: real words first (frequent), then `size` minus those as generated names. */
export function vocabulary(size = 3000, seed = 7): string[] {
  const rng = new Rng(seed);
  const words = [...new Set([...COMMON, ...DEV, ...TOOLS])];
  const seen = new Set(words);
  while (words.length < size) {
    let w = "";
    const syllables = rng.int(2, 3);
    for (let i = 0; i < syllables; i++) w += rng.pick(ONSETS) + rng.pick(VOWELS) + (i === syllables - 1 ? rng.pick(CODAS) : "");
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}
