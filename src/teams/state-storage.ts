import type { Storage, StoreItems } from 'botbuilder';
import type { Clock, StateRepository } from '../app/ports.js';

/** botbuilder Storage over the bot's own database, so turn state survives restarts and is shared by instances. */
export class DatabaseStorage implements Storage {
  constructor(
    private readonly repo: StateRepository,
    private readonly clock: Clock,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.repo.read(keys);
    const items: StoreItems = {};
    for (const [key, { data, etag }] of found) {
      items[key] = { ...(data as object), eTag: etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes).map(([key, value]) => {
      const { eTag, ...data } = (value ?? {}) as { eTag?: string };
      return { key, data, expectedEtag: eTag };
    });
    await this.repo.write(entries, this.clock.now().toISOString());
  }

  async delete(keys: string[]): Promise<void> {
    await this.repo.delete(keys);
  }
}
