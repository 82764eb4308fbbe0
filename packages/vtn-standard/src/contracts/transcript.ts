import * as z from 'zod';
import { declaresContract, preambleShape } from '../common/preamble.ts';
import { seriesItemShape } from '../common/series.ts';
import { WordsSchema } from '../common/words.ts';

/** Transcription: a series whose every item carries words. */
export const TranscriptContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('transcript'),
  series: z.array(z.strictObject({ ...seriesItemShape, words: WordsSchema })),
});
export type TranscriptContract = z.infer<typeof TranscriptContractSchema>;
