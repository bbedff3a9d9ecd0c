/**
 * At most `max` calls in flight per key (Xero allows 5 concurrent calls per tenant). In-process;
 * the rate governor (shared through Redis) takes care of the per-minute budget across workers.
 */
export class KeyedSemaphore {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();
  constructor(private readonly max: number) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if ((this.active.get(key) ?? 0) >= this.max) {
      await new Promise<void>((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
    }
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      this.active.set(key, (this.active.get(key) ?? 1) - 1);
      const next = this.waiting.get(key)?.shift();
      next?.();
    }
  }
}
