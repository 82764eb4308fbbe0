import type { Segment } from './segmenter.ts';

export interface SoundSeriesItem {
  startTimeMs: number;
  stopTimeMs: number;
  object: { type: 'sound'; label: Segment['kind'] };
}

// A type alias, not an interface: only aliases are assignable to the engine's typed `emitResult` (a VTN
// document keeps unknown top-level keys, so its type has an index signature that interfaces lack).
export type SoundVtn = {
  schemaId: string;
  series: SoundSeriesItem[];
};

const VTN_SCHEMA_ID = 'https://docs.veritone.com/schemas/vtn-standard/master.json';

export function segmentToSeriesItem(segment: Segment): SoundSeriesItem {
  return {
    startTimeMs: segment.startMs,
    stopTimeMs: segment.stopMs,
    object: { type: 'sound', label: segment.kind },
  };
}

/** The VTN document posted for closed segments (one result per close, so results stream out). */
export function segmentsToVtn(segments: readonly Segment[]): SoundVtn {
  return { schemaId: VTN_SCHEMA_ID, series: segments.map(segmentToSeriesItem) };
}
