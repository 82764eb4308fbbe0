import * as z from 'zod';
import { objectResultShape } from '../common/object-result.ts';
import { declaresContract, preambleShape } from '../common/preamble.ts';

/** A named entity: type "namedEntity", identified by a label or a library entityId. */
export const NamedEntityObjectSchema = z
  .strictObject({ ...objectResultShape, type: z.literal('namedEntity') })
  .superRefine((entity, ctx) => {
    if (entity.label !== undefined || entity.entityId !== undefined) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'missing_entity_identity' },
      message: 'A named entity needs a label or an entityId',
    });
  })
  .meta({ anyOf: [{ required: ['label'] }, { required: ['entityId'] }] });

/** Entity extraction: named-entity objects in `object`. */
export const EntityContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('entity'),
  object: z.array(NamedEntityObjectSchema),
});
export type EntityContract = z.infer<typeof EntityContractSchema>;
