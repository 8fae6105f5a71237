/** @module A name as a tag-safe slug: the one rule behind task tags and imported entity tags. */

/** Lower case, NFKC, every run of anything but letters and digits one dash, no dash at either end. */
export function slugify(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}
