import { describe, expect, it } from 'vitest';
import { createRng } from '../src/testing/index.ts';

function draws(seed: number, count: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.next());
}

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    expect(draws(42, 20)).toEqual(draws(42, 20));
    expect(draws(42, 20)).not.toEqual(draws(43, 20));
  });

  it('keeps next in [0, 1), range in [min, max) and int in [min, maxInclusive]', () => {
    const rng = createRng(7);
    const ints = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = rng.next();
      expect(value >= 0 && value < 1).toBe(true);
      const ranged = rng.range(-3, 5);
      expect(ranged >= -3 && ranged < 5).toBe(true);
      ints.add(rng.int(2, 4));
    }
    expect([...ints].sort()).toEqual([2, 3, 4]);
  });

  it('draws gaussian values centred on 0 with unit spread', () => {
    const rng = createRng(11);
    const values = Array.from({ length: 5000 }, () => rng.gaussian());
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
  });
});
