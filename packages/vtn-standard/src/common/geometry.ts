import * as z from 'zod';

const RatioSchema = z.number().min(0).max(1);

/** A point in ratio coordinates: 0 is the left/top edge, 1 the right/bottom edge. */
export const PointSchema = z.strictObject({ x: RatioSchema, y: RatioSchema }).meta({ id: 'Point' });
export type Point = z.infer<typeof PointSchema>;

/**
 * A polygon listed clockwise, closed implicitly. One point identifies a centre; otherwise at
 * least three points are needed (two points describe no area).
 */
export const BoundingPolySchema = z
  .array(PointSchema)
  .superRefine((points, ctx) => {
    if (points.length === 1 || points.length >= 3) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'invalid_bounding_poly' },
      message: `A boundingPoly has exactly 1 point or at least 3 points, got ${points.length}`,
    });
  })
  .meta({ id: 'BoundingPoly', oneOf: [{ minItems: 1, maxItems: 1 }, { minItems: 3 }] });
export type BoundingPoly = z.infer<typeof BoundingPolySchema>;
