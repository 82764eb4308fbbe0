import * as z from 'zod';
import { MediasSchema } from '../common/annotations.ts';
import { ObjectResultSchema } from '../common/object-result.ts';
import { fileDataShape, preambleShape } from '../common/preamble.ts';
import { SeriesItemSchema } from '../common/series.ts';

/**
 * AI Object Notation: any VTN-standard document, whatever it holds. These are the "master
 * rules" every document is checked against; unknown top-level properties are kept.
 */
export const VtnDocumentSchema = z.looseObject({
  ...preambleShape,
  ...fileDataShape,
  object: z.array(ObjectResultSchema).optional(),
  series: z.array(SeriesItemSchema).optional(),
  media: MediasSchema.optional(),
});
export type VtnDocument = z.infer<typeof VtnDocumentSchema>;

export const AionContractSchema = VtnDocumentSchema;
