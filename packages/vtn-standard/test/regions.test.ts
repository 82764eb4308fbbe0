import { describe, expect, it } from 'vitest';
import {
  BoundingPolySchema,
  boxToBoundingPoly,
  polygonToBoundingPoly,
  VtnRegionError,
} from '../src/index.ts';

describe('region helpers', () => {
  it('converts the docs example (a 50x50 box centred in 100x100) to ratios, clockwise', () => {
    expect(boxToBoundingPoly({ x: 25, y: 25, width: 50, height: 50 }, { width: 100, height: 100 })).toEqual([
      { x: 0.25, y: 0.25 },
      { x: 0.75, y: 0.25 },
      { x: 0.75, y: 0.75 },
      { x: 0.25, y: 0.75 },
    ]);
  });

  it('clamps parts outside the image to its edges, so the result is always a valid boundingPoly', () => {
    const poly = boxToBoundingPoly({ x: -10, y: 90, width: 50, height: 50 }, { width: 100, height: 100 });
    expect(poly).toEqual([
      { x: 0, y: 0.9 },
      { x: 0.4, y: 0.9 },
      { x: 0.4, y: 1 },
      { x: 0, y: 1 },
    ]);
    expect(BoundingPolySchema.safeParse(poly).success).toBe(true);
  });

  it('converts polygons and single centre points', () => {
    const image = { width: 200, height: 100 };
    expect(polygonToBoundingPoly([{ x: 100, y: 50 }], image)).toEqual([{ x: 0.5, y: 0.5 }]);
    expect(
      polygonToBoundingPoly(
        [
          { x: 0, y: 0 },
          { x: 400, y: 0 },
          { x: 100, y: 100 },
        ],
        image,
      ),
    ).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 0.5, y: 1 },
    ]);
  });

  it.each([
    [0, 100],
    [100, -1],
    [Number.NaN, 100],
    [100, Number.POSITIVE_INFINITY],
  ])('throws VtnRegionError invalid_image_size for an image of %s x %s', (width, height) => {
    const attempt = () => boxToBoundingPoly({ x: 0, y: 0, width: 1, height: 1 }, { width, height });
    expect(attempt).toThrow(VtnRegionError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_image_size' }));
    expect(() => polygonToBoundingPoly([{ x: 0, y: 0 }], { width, height })).toThrow(
      expect.objectContaining({ code: 'invalid_image_size' }),
    );
  });

  it('rejects polygons of 0 or 2 points and non-finite coordinates with invalid_region', () => {
    const image = { width: 10, height: 10 };
    for (const points of [
      [],
      [
        { x: 1, y: 1 },
        { x: 2, y: 2 },
      ],
      [{ x: Number.NaN, y: 1 }],
    ]) {
      expect(() => polygonToBoundingPoly(points, image)).toThrow(
        expect.objectContaining({ code: 'invalid_region' }),
      );
    }
    expect(() => boxToBoundingPoly({ x: 0, y: 0, width: -1, height: 1 }, image)).toThrow(
      expect.objectContaining({ code: 'invalid_region' }),
    );
  });
});
