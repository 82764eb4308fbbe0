import type { BoundingPoly } from './common/geometry.ts';

/** Size of the image a region is measured on, in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** A pixel rectangle: top-left corner plus size. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A pixel point. */
export interface PixelPoint {
  x: number;
  y: number;
}

export type VtnRegionErrorCode = 'invalid_image_size' | 'invalid_region';

/** Thrown by the region helpers when a ratio cannot be computed. */
export class VtnRegionError extends Error {
  override readonly name = 'VtnRegionError';
  readonly code: VtnRegionErrorCode;

  constructor(code: VtnRegionErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function assertImageSize(image: ImageSize): void {
  for (const side of ['width', 'height'] as const) {
    const value = image?.[side];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new VtnRegionError(
        'invalid_image_size',
        `Image ${side} must be a finite number greater than 0 to compute ratios, got ${String(value)}`,
      );
    }
  }
}

function assertFinitePoint(point: PixelPoint, what: string): void {
  if (!Number.isFinite(point?.x) || !Number.isFinite(point?.y)) {
    throw new VtnRegionError('invalid_region', `${what} needs finite x and y, got ${JSON.stringify(point)}`);
  }
}

const clampRatio = (value: number) => Math.min(1, Math.max(0, value));

function toRatio(point: PixelPoint, image: ImageSize) {
  return { x: clampRatio(point.x / image.width), y: clampRatio(point.y / image.height) };
}

/**
 * Converts a pixel box to a clockwise 4-point ratio `boundingPoly` (top-left, top-right,
 * bottom-right, bottom-left). Parts outside the image are clamped to its edges.
 */
export function boxToBoundingPoly(box: PixelBox, image: ImageSize): BoundingPoly {
  assertImageSize(image);
  assertFinitePoint(box, 'A box');
  if (!Number.isFinite(box.width) || !Number.isFinite(box.height) || box.width < 0 || box.height < 0) {
    throw new VtnRegionError(
      'invalid_region',
      `A box needs a finite, non-negative width and height, got ${box.width}x${box.height}`,
    );
  }
  const right = box.x + box.width;
  const bottom = box.y + box.height;
  return [
    toRatio({ x: box.x, y: box.y }, image),
    toRatio({ x: right, y: box.y }, image),
    toRatio({ x: right, y: bottom }, image),
    toRatio({ x: box.x, y: bottom }, image),
  ];
}

/**
 * Converts pixel polygon points (or a single centre point) to a ratio `boundingPoly`, clamping
 * to the image. A poly has exactly 1 point or at least 3.
 */
export function polygonToBoundingPoly(points: readonly PixelPoint[], image: ImageSize): BoundingPoly {
  assertImageSize(image);
  if (!Array.isArray(points) || points.length === 0 || points.length === 2) {
    throw new VtnRegionError(
      'invalid_region',
      `A boundingPoly needs exactly 1 point or at least 3 points, got ${Array.isArray(points) ? points.length : 'no array'}`,
    );
  }
  return points.map((point, index) => {
    assertFinitePoint(point, `Point ${index}`);
    return toRatio(point, image);
  });
}
