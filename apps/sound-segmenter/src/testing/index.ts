export { createRng } from './rng.ts';
export type { Rng } from './rng.ts';
export { generateWav } from './wav.ts';
export type { GeneratedWav, WavOptions } from './wav.ts';
export { scoreSegments, segmentsFromSeries } from './scoring.ts';
export type { BoundaryScore } from './scoring.ts';
export { segmentWav } from '../segment-wav.ts';
export { writeWavWithTruth } from './demo-files.ts';
export type { WrittenWav } from './demo-files.ts';
