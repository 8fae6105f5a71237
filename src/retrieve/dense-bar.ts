/**
 * @module The dense channel's relevance bar, calibrated per query. A model's fixed cosine bar (USE-lite 0.3)
 * means different things for different queries: true paraphrases of a memory score 0.22–0.62 with this
 * embedder, and a query phrased far from every memory can have its real answer as its best match at 0.26.
 * So the few best matches also pass when they stand out from the query's own candidates: at least
 * {@link STANDOUT_Z} standard deviations above the mean cosine of the channel's list. Fitted on coding-a
 * (flat from 1.0 to 1.75 sd, lost at 2.0); see DESIGN.md.
 */
import { BASE_CANDIDATES, type ChannelHit } from "./channel.ts";

/** How many of the channel's best matches may pass the bar by standing out. */
export const STANDOUT_TOP = 3;
/** Standard deviations above the list's mean cosine that count as standing out. */
export const STANDOUT_Z = 1.5;
/** Fewest candidates for a mean and deviation worth the name. */
const MIN_LIST = 5;

/**
 * Clears the weak mark of the best {@link STANDOUT_TOP} hits (sorted best first) that stand out from the
 * list, recording by how much (`standout`, in standard deviations) for --explain. In place.
 */
export function passStandouts(hits: ChannelHit[]): void {
  if (hits.length < MIN_LIST || !hits.slice(0, STANDOUT_TOP).some((h) => h.weak)) return;
  // The same list whatever the limit: a longer one would lower the mean and make more matches stand out.
  const list = hits.slice(0, BASE_CANDIDATES);
  const mean = list.reduce((a, h) => a + h.score, 0) / list.length;
  const sd = Math.sqrt(list.reduce((a, h) => a + (h.score - mean) ** 2, 0) / list.length);
  if (sd === 0) return;
  for (const h of hits.slice(0, STANDOUT_TOP)) {
    const z = (h.score - mean) / sd;
    if (h.weak && !h.otherScript && z >= STANDOUT_Z) {
      delete h.weak;
      h.standout = z;
    }
  }
}
