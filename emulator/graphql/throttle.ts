import type { Clock, ThrottleSettings } from "../config";

// Shopify's leaky bucket for the Admin GraphQL API, one per shop and app: a query takes
// its requested cost up front, gets refunded the unused part afterwards, and the bucket
// refills at restoreRate points per second up to maximumAvailable.

export type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };

type Bucket = { available: number; at: number };

export class LeakyBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: ThrottleSettings,
    private readonly now: Clock,
  ) {}

  private refill(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { available: this.settings.maximumAvailable, at: now };
    const restored = ((now - bucket.at) / 1000) * this.settings.restoreRate;
    bucket.available = Math.min(this.settings.maximumAvailable, bucket.available + Math.max(0, restored));
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Takes `cost` points when the bucket holds them; otherwise takes nothing. */
  take(key: string, cost: number): { ok: boolean; status: ThrottleStatus } {
    const bucket = this.refill(key);
    const ok = bucket.available >= cost;
    if (ok) bucket.available -= cost;
    return { ok, status: this.statusOf(bucket) };
  }

  refund(key: string, points: number): ThrottleStatus {
    const bucket = this.refill(key);
    bucket.available = Math.min(this.settings.maximumAvailable, bucket.available + Math.max(0, points));
    return this.statusOf(bucket);
  }

  private statusOf(bucket: Bucket): ThrottleStatus {
    return {
      maximumAvailable: this.settings.maximumAvailable,
      currentlyAvailable: Math.floor(bucket.available),
      restoreRate: this.settings.restoreRate,
    };
  }
}
