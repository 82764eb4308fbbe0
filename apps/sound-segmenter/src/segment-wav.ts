import { EnergySegmenter, type Segment, type SegmenterOptions } from './segmenter.ts';
import { WavStreamReader } from './wav-reader.ts';

export type SegmentListener = (segment: Segment) => void | Promise<void>;

export interface SegmentWavStats {
  bytesRead: number;
  segments: number;
}

/**
 * Reads a WAV byte stream and reports each segment as soon as it closes. Throws
 * `WavFormatError` (failureReason `invalid_data`) for non-WAV or truncated input.
 */
export async function segmentWav(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onSegment: SegmentListener,
  options: Omit<SegmenterOptions, 'sampleRate'> & { onProgress?: (stats: SegmentWavStats) => void } = {},
): Promise<SegmentWavStats> {
  const { onProgress, ...segmenterOptions } = options;
  const reader = new WavStreamReader();
  let segmenter: EnergySegmenter | undefined;
  const stats: SegmentWavStats = { bytesRead: 0, segments: 0 };
  const emit = async (segments: Segment[]) => {
    for (const segment of segments) {
      stats.segments++;
      await onSegment(segment);
    }
  };
  for await (const chunk of chunks) {
    const samples = reader.push(chunk);
    stats.bytesRead = reader.bytesRead;
    if (!segmenter && reader.format)
      segmenter = new EnergySegmenter({ ...segmenterOptions, sampleRate: reader.format.sampleRate });
    if (segmenter && samples.length > 0) await emit(segmenter.push(samples));
    onProgress?.({ ...stats });
  }
  reader.end();
  if (segmenter) await emit(segmenter.end());
  return stats;
}
