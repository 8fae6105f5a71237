/** @module Topic tags for captured statements: a small fixed vocabulary so recall filters by area stay predictable. */

const TOPICS: Array<[tag: string, re: RegExp]> = [
  ["testing", /\b(?:tests?|testing|jest|vitest|pytest|mocha|mock\w*|fixtures?|flaky|coverage|regression)\b/i],
  ["git", /\b(?:git|commits?|branch(?:es)?|rebase|merge|PRs?|pull requests?|main|master|diffs?)\b/i],
  ["ci", /\b(?:CI|pipelines?|github actions|runners?|pre-push|pre-commit|hooks?)\b/i],
  ["database", /\b(?:database|db|postgres\w*|mysql|sqlite|redis|sql|migrations?|tables?|columns?|schema)\b/i],
  ["dependencies", /\b(?:dependenc(?:y|ies)|npm|pnpm|yarn|bun|pip|lockfile|packages?)\b/i],
  ["style", /\b(?:indentation|tabs|spaces|naming|snake_case|camelCase|format\w*|lint\w*|spelling|imperative mood)\b/i],
  ["deploy", /\b(?:deploy\w*|release|argocd|helm|kubernetes|k8s|docker\w*|clusters?|staging|prod(?:uction)?)\b/i],
  ["api", /\b(?:api|rest|grpc|endpoints?|rate limit\w*)\b/i],
  ["typescript", /\b(?:typescript|ts|tsx|any|unknown)\b/],
  ["python", /\bpython\b/i],
  ["frontend", /\b(?:react|components?|useEffect|css|ui)\b/i],
];

export function topicTags(content: string): string[] {
  return TOPICS.filter(([, re]) => re.test(content)).map(([tag]) => tag);
}
