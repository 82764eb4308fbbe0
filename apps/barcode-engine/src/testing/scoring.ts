import type { QrFrame } from './frames.ts';

export interface RatioPoint {
  x: number;
  y: number;
}

/** What an engine reported for one code: decoded text and the polygon in 0..1 ratios (TL, TR, BR, BL). */
export interface ReportedCode {
  text: string;
  boundingPoly: readonly RatioPoint[];
}

export interface FrameScore {
  expected: number;
  /** Truth codes whose text was reported. */
  decoded: number;
  /** Reported codes that match no truth text. */
  spurious: number;
  /** Per decoded code: largest corner distance in ratio units (fraction of width/height). */
  polygonErrors: number[];
  /** Every code decoded, nothing spurious, every polygon within `tolerance`. */
  correct: boolean;
}

export interface FrameSetScore {
  frames: number;
  correctFrames: number;
  accuracy: number;
  codes: number;
  decodedCodes: number;
  maxPolygonError: number;
  meanPolygonError: number;
}

/** Polygon error: the largest distance between matching corners, measured in ratios of the frame size. */
export function polygonError(reported: readonly RatioPoint[], truth: readonly RatioPoint[]): number {
  if (reported.length !== truth.length) return Number.POSITIVE_INFINITY;
  return Math.max(
    ...truth.map((point, index) => Math.hypot(reported[index]!.x - point.x, reported[index]!.y - point.y)),
  );
}

export function scoreQrFrame(
  frame: QrFrame,
  reported: readonly ReportedCode[],
  tolerance = 0.05,
): FrameScore {
  const remaining = [...reported];
  const polygonErrors: number[] = [];
  for (const truth of frame.truth) {
    const index = remaining.findIndex((code) => code.text === truth.text);
    if (index < 0) continue;
    const [match] = remaining.splice(index, 1);
    const truthPoly = truth.corners.map((c) => ({ x: c.x / frame.width, y: c.y / frame.height }));
    polygonErrors.push(polygonError(match!.boundingPoly, truthPoly));
  }
  const decoded = polygonErrors.length;
  return {
    expected: frame.truth.length,
    decoded,
    spurious: remaining.length,
    polygonErrors,
    correct:
      decoded === frame.truth.length && remaining.length === 0 && polygonErrors.every((e) => e <= tolerance),
  };
}

export function summariseFrameScores(scores: readonly FrameScore[]): FrameSetScore {
  const errors = scores.flatMap((score) => score.polygonErrors);
  const correctFrames = scores.filter((score) => score.correct).length;
  return {
    frames: scores.length,
    correctFrames,
    accuracy: scores.length === 0 ? 0 : correctFrames / scores.length,
    codes: scores.reduce((sum, score) => sum + score.expected, 0),
    decodedCodes: scores.reduce((sum, score) => sum + score.decoded, 0),
    maxPolygonError: errors.length === 0 ? 0 : Math.max(...errors),
    meanPolygonError: errors.length === 0 ? 0 : errors.reduce((a, b) => a + b, 0) / errors.length,
  };
}
