/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32), built only from 32-bit integer
 * operations so that a seed gives the same sequence in every JavaScript engine. Its floats are
 * exact multiples of 2^-32, and the generator shapes distributions from them with + - * / only
 * (no Math.exp/log/pow, whose last bits may differ between engines).
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed`: any safe integer (negative and beyond 32 bits too). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let s = (lo ^ Math.imul(hi, 0x9e3779b1)) | 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1; // the all-zero state is a fixed point
  }

  /** The next 32-bit unsigned integer. */
  u32(): number {
    const b = this.b;
    const m = Math.imul(b, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b = b ^ this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return result;
  }

  /** A float in [0, 1), an exact multiple of 2^-32. */
  float(): number {
    return this.u32() * 2.3283064365386963e-10;
  }

  /** An integer in [0, n) for 0 < n <= 2^32 (multiply-high, bias below 2^-32 * n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}
