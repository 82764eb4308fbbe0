export { createRng } from '@engine-kit-apps/sample-support/testing';
export type { Rng } from '@engine-kit-apps/sample-support/testing';
export { generateWav } from './wav.ts';
export type { GeneratedWav, WavOptions } from './wav.ts';
export { scoreSegments, segmentsFromSeries } from './scoring.ts';
export type { BoundaryScore } from './scoring.ts';
export { segmentWav } from '../segment-wav.ts';
export { writeWavWithTruth } from './demo-files.ts';
export type { WrittenWav } from './demo-files.ts';
