import type { Segment } from '../segmenter.ts';
import type { SoundSeriesItem } from '../vtn.ts';

export interface BoundaryScore {
  /** Transitions in the truth (segment starts after the first). */
  boundaries: number;
  /** Truth transitions with a detected transition of the same direction within `toleranceMs`. */
  matched: number;
  /** Detected transitions that match no truth transition. */
  spurious: number;
  maxErrorMs: number;
  meanErrorMs: number;
}

interface Boundary {
  atMs: number;
  into: Segment['kind'];
}

function transitions(segments: readonly Segment[]): Boundary[] {
  const sorted = [...segments].sort((a, b) => a.startMs - b.startMs);
  const out: Boundary[] = [];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.kind !== sorted[i - 1]!.kind)
      out.push({ atMs: sorted[i]!.startMs, into: sorted[i]!.kind });
  }
  return out;
}

/**
 * Compares detected segments with the truth by their transitions: each truth transition is
 * paired with the nearest unused detected transition in the same direction within tolerance.
 */
export function scoreSegments(
  truth: readonly Segment[],
  detected: readonly Segment[],
  toleranceMs = 50,
): BoundaryScore {
  const expected = transitions(truth);
  const available = transitions(detected);
  const errors: number[] = [];
  for (const boundary of expected) {
    let best = -1;
    for (let i = 0; i < available.length; i++) {
      const candidate = available[i]!;
      if (candidate.into !== boundary.into) continue;
      const error = Math.abs(candidate.atMs - boundary.atMs);
      if (error <= toleranceMs && (best < 0 || error < Math.abs(available[best]!.atMs - boundary.atMs)))
        best = i;
    }
    if (best < 0) continue;
    errors.push(Math.abs(available[best]!.atMs - boundary.atMs));
    available.splice(best, 1);
  }
  return {
    boundaries: expected.length,
    matched: errors.length,
    spurious: available.length,
    maxErrorMs: errors.length === 0 ? 0 : Math.max(...errors),
    meanErrorMs: errors.length === 0 ? 0 : errors.reduce((a, b) => a + b, 0) / errors.length,
  };
}

/** Turns the engine's posted series items (in any order, from any number of results) back into segments. */
export function segmentsFromSeries(items: readonly SoundSeriesItem[]): Segment[] {
  return items
    .map((item) => ({ kind: item.object.label, startMs: item.startTimeMs, stopMs: item.stopTimeMs }))
    .sort((a, b) => a.startMs - b.startMs);
}
