import * as z from 'zod';
import { objectResultShape, withoutDocumentIndexing } from '../common/object-result.ts';
import { declaresContract, preambleShape, requireOneOf, requireOneOfJsonSchema } from '../common/preamble.ts';
import { seriesItemShape } from '../common/series.ts';

const textObjectShape = { ...objectResultShape, type: z.literal('text'), text: z.string() };

/** A recognised-text object: type "text" with its text. */
export const TextObjectSchema = z.strictObject(textObjectShape).meta({ id: 'TextObject' });

/** Text recognition: text objects in `object` and/or in every series item (without document indexing). */
export const TextContractSchema = z
  .looseObject({
    ...preambleShape,
    validationContracts: declaresContract('text'),
    object: z.array(TextObjectSchema).optional(),
    series: z
      .array(
        z.strictObject({
          ...seriesItemShape,
          object: z.strictObject(withoutDocumentIndexing(textObjectShape)).meta({ id: 'TextSeriesObject' }),
        }),
      )
      .optional(),
  })
  .superRefine(requireOneOf(['object', 'series']))
  .meta(requireOneOfJsonSchema(['object', 'series']));
export type TextContract = z.infer<typeof TextContractSchema>;
