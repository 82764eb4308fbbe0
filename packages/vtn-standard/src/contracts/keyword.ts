import * as z from 'zod';
import { objectResultShape } from '../common/object-result.ts';
import { declaresContract, preambleShape } from '../common/preamble.ts';

/** A keyword object: type "keyword" with a label. */
export const KeywordObjectSchema = z.strictObject({
  ...objectResultShape,
  type: z.literal('keyword'),
  label: z.string(),
});

/** Keyword extraction: keyword objects in `object`. */
export const KeywordContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('keyword'),
  object: z.array(KeywordObjectSchema),
});
export type KeywordContract = z.infer<typeof KeywordContractSchema>;
