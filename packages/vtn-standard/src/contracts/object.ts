import * as z from 'zod';
import {
  type ObjectResultType,
  objectResultShape,
  withoutDocumentIndexing,
} from '../common/object-result.ts';
import { declaresContract, preambleShape, requireOneOf, requireOneOfJsonSchema } from '../common/preamble.ts';
import { seriesItemShape } from '../common/series.ts';

/**
 * Builds an object-detection contract for one object type: objects of that type without
 * document indexing, in `object` and/or in every series item. The reference `object` contract
 * is `objectDetectionContract('object', 'object')`; docs-only names reuse it (see docs-only.ts).
 */
export function objectDetectionContract(contract: string, type: ObjectResultType) {
  const pascal = contract.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase());
  const detectedObject = z
    .strictObject(withoutDocumentIndexing({ ...objectResultShape, type: z.literal(type) }))
    .meta({ id: `${pascal}ContractObject` });
  return z
    .looseObject({
      ...preambleShape,
      validationContracts: declaresContract(contract),
      object: z.array(detectedObject).optional(),
      series: z.array(z.strictObject({ ...seriesItemShape, object: detectedObject })).optional(),
    })
    .superRefine(requireOneOf(['object', 'series']))
    .meta(requireOneOfJsonSchema(['object', 'series']));
}

/** Object detection: objects of type "object", in `object` and/or in every series item. */
export const ObjectContractSchema = objectDetectionContract('object', 'object');
export type ObjectContract = z.infer<typeof ObjectContractSchema>;
