/**
 * @module A peer's name, type or category as a tag: secrets taken out first, then the slug (domain/slug.ts).
 * Slugged first, a token lost the shape redaction knows it by (`ghp_…` became `ghp-…`, `AKIA…` lower case)
 * and was stored as a tag (QA: `import --from mcp-memory` kept an entity named by a GitHub token).
 */
import { redactSecrets } from "../capture/redact.ts";
import { slugify } from "../domain/slug.ts";

export const tagSlug = (name: string): string => slugify(redactSecrets(name).text);
