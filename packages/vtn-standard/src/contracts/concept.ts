import * as z from 'zod';
import { ObjectCategorySchema } from '../common/annotations.ts';
import { objectResultShape } from '../common/object-result.ts';
import { declaresContract, preambleShape } from '../common/preamble.ts';

/** A concept (content classification) object: type "concept" with an objectCategory. */
export const ConceptObjectSchema = z.strictObject({
  ...objectResultShape,
  type: z.literal('concept'),
  objectCategory: ObjectCategorySchema,
});

/** Content classification: concept objects in `object`. */
export const ConceptContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('concept'),
  object: z.array(ConceptObjectSchema),
});
export type ConceptContract = z.infer<typeof ConceptContractSchema>;
