// A seeded xoshiro128** generator with splitmix32 seeding. Every customer draws from its
// own stream (seed, stream index), so a shop is identical however it is batched and a
// customer's history does not shift when another customer's changes.

const U32 = 4294967296;

/** FNV-1a over a string, for deriving stream ids from labels ("catalog", "scenario:x"). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number, stream = 0) {
    this.reseed(seed, stream);
  }

  /** Restart as the generator for (seed, stream), without allocating. */
  reseed(seed: number, stream = 0): this {
    // Four splitmix32 outputs from a start that mixes seed and stream.
    let s = (fmix32(fmix32(seed >>> 0) + (stream >>> 0)) + Math.floor(stream / U32)) | 0;
    s = (s + 0x9e3779b9) | 0;
    this.a = fmix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.b = fmix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.c = fmix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.d = fmix32(s);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    return this;
  }

  /** The next unsigned 32-bit word (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.nextU32() / U32;
  }

  /** Uniform on (0, 1): safe for logarithms. */
  open(): number {
    return (this.nextU32() + 0.5) / U32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Cannot pick from an empty list");
    return items[this.int(items.length)] as T;
  }

  /** An independent generator for a labelled sub-stream of this seed. */
  static forLabel(seed: number, label: string, index = 0): Rng {
    return new Rng(seed ^ hashString(label), index);
  }
}

/** murmur3's finalizer: a bijection on 32-bit words with full avalanche. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
