import { describe, expect, it } from 'vitest';
import {
  colourDistance,
  fingerprintDistance,
  fingerprintImage,
  hammingDistance,
} from '../src/fingerprint.ts';
import { createRng } from '@engine-kit-apps/sample-support/testing';
import { randomLogoDesign, renderLogo } from '../src/testing/logos.ts';

describe('fingerprintImage', () => {
  it('produces a 64-bit hex hash and a 4x4 RGB colour layout', () => {
    const image = renderLogo(randomLogoDesign(createRng(1)), { width: 90, height: 70 });
    const fingerprint = fingerprintImage(image);
    expect(fingerprint.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint.colour).toHaveLength(48);
    expect(fingerprint.colour.every((value) => Number.isInteger(value) && value >= 0 && value <= 255)).toBe(
      true,
    );
  });

  it('barely changes when the same logo is rendered at another size', () => {
    const design = randomLogoDesign(createRng(2));
    const small = fingerprintImage(renderLogo(design, { width: 96, height: 96 }));
    const large = fingerprintImage(renderLogo(design, { width: 300, height: 300 }));
    expect(hammingDistance(small.hash, large.hash)).toBeLessThanOrEqual(4);
    expect(fingerprintDistance(small, large)).toBeLessThan(0.1);
  });

  it('sets different logos far apart', () => {
    const rng = createRng(3);
    const a = fingerprintImage(renderLogo(randomLogoDesign(rng), { width: 128, height: 128 }));
    const b = fingerprintImage(renderLogo(randomLogoDesign(rng), { width: 128, height: 128 }));
    expect(fingerprintDistance(a, b)).toBeGreaterThan(0.4);
  });
});

describe('distances', () => {
  it('counts differing hash bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
  });

  it('measures colour layouts from 0 (same) to 1 (black against white)', () => {
    expect(colourDistance([10, 20, 30], [10, 20, 30])).toBe(0);
    expect(colourDistance([0, 0, 0], [255, 255, 255])).toBe(1);
  });
});
