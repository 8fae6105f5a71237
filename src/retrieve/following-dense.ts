/**
 * @module The dense channel of a long-lived process, following the configured model: `cairn models use` while
 * `cairn mcp` or `cairn ui` runs used to leave it searching (and embedding its writes) with the old model
 * until restarted. The engine holds this one object; {@link FollowingDense.follow} swaps the channel under it
 * for the new model's, between requests, and disposes the old one once its work is done.
 */
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "./channel.ts";
import type { DenseChannel } from "./dense-channel.ts";

export class FollowingDense implements RetrievalChannel {
  readonly name = "dense";
  readonly #build: (model: string) => DenseChannel;
  #model: string;
  #channel: DenseChannel;
  /** Old channels' disposal, awaited by {@link dispose}. */
  #retiring: Promise<unknown> = Promise.resolve();

  constructor(model: string, build: (model: string) => DenseChannel) {
    this.#build = build;
    this.#model = model;
    this.#channel = build(model);
  }

  /** The model searched with. */
  get model(): string {
    return this.#model;
  }

  /** Searches with `model` from now on (a new channel for it); false when it is the one already in use. */
  follow(model: string): boolean {
    if (model === this.#model) return false;
    const old = this.#channel;
    this.#channel = this.#build(model);
    this.#model = model;
    this.#retiring = Promise.all([this.#retiring, old.dispose().catch(() => undefined)]);
    return true;
  }

  search(query: ChannelQuery): Promise<ChannelHit[]> {
    return this.#channel.search(query);
  }

  unsearched(): number {
    return this.#channel.unsearched();
  }

  vectorsOf(ids: readonly string[]): ReadonlyMap<string, Float32Array> {
    return this.#channel.vectorsOf(ids);
  }

  /** Embeds the newest memories in the background (DenseChannel.schedule), with the current model. */
  schedule(): void {
    this.#channel.schedule();
  }

  async dispose(): Promise<void> {
    await Promise.all([this.#retiring, this.#channel.dispose()]);
  }
}
