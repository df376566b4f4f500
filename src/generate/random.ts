/**
 * Seeded randomness for the generator. Everything random goes through `Rng` (mulberry32), so the same seed
 * gives byte-identical files. Never use Math.random or the clock in src/generate.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** a new independent stream derived from this seed and a label (so adding draws in one part does not shift another) */
  static derive(seed: number, label: string): Rng {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < label.length; i++) {
      h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
      h = (h ^ (h >>> 13)) >>> 0;
    }
    return new Rng(h);
  }
  /** uniform [0,1) */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [a, b] inclusive */
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.next() * arr.length)];
  }
  /** index chosen by weights */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }
}

// ---- dates as integer day numbers (days since 1970-01-01, UTC) ----

export function day(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / 86400000);
}
export function ymd(dn: number): [number, number, number] {
  const dt = new Date(dn * 86400000);
  return [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
}
const p2 = (n: number) => (n < 10 ? '0' + n : String(n));
export function iso(dn: number): string {
  const [y, m, d] = ymd(dn);
  return `${y}-${p2(m)}-${p2(d)}`;
}
export function yyyymmdd(dn: number): string {
  const [y, m, d] = ymd(dn);
  return `${y}${p2(m)}${p2(d)}`;
}
export type DateStyle = 'iso' | 'slash' | 'cn' | 'compact' | 'dot';
/** the odd date forms of SPEC §3.1 */
export function fmtDate(dn: number, style: DateStyle): string {
  const [y, m, d] = ymd(dn);
  switch (style) {
    case 'iso':
      return `${y}-${p2(m)}-${p2(d)}`;
    case 'slash':
      return `${y}/${m}/${d}`;
    case 'cn':
      return `${y}年${m}月${d}日`;
    case 'compact':
      return `${y}${p2(m)}${p2(d)}`;
    case 'dot':
      return `${y}.${m}.${d}`;
  }
}
/** age in whole years on day `on` for someone born on `birth` */
export function ageOn(birth: number, on: number): number {
  const [by, bm, bd] = ymd(birth);
  const [y, m, d] = ymd(on);
  let a = y - by;
  if (m < bm || (m === bm && d < bd)) a--;
  return a;
}
/** the day someone born on `birth` turns `years` */
export function birthday(birth: number, years: number): number {
  const [by, bm, bd] = ymd(birth);
  return day(by + years, bm, bd);
}

// ---- money in integer cents ----
export function yuan(cents: number): string {
  const neg = cents < 0;
  const c = Math.abs(cents);
  const s = `${Math.floor(c / 100)}.${p2(c % 100)}`;
  return neg ? '-' + s : s;
}
export function yuanComma(cents: number): string {
  const [i, f] = yuan(cents).split('.');
  return i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + f;
}
const FW = '０１２３４５６７８９';
/** ASCII digits → full-width digits */
export function fullWidth(s: string): string {
  return s.replace(/[0-9]/g, (c) => FW[c.charCodeAt(0) - 48]);
}
