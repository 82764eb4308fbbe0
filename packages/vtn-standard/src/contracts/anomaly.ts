import * as z from 'zod';
import { objectResultShape, withoutDocumentIndexing } from '../common/object-result.ts';
import { declaresContract, preambleShape, requireOneOf, requireOneOfJsonSchema } from '../common/preamble.ts';
import { seriesItemShape } from '../common/series.ts';

const anomalyObjectShape = { ...objectResultShape, type: z.literal('anomaly') };

/** Anomaly detection: anomaly objects in `object` and/or in every series item. */
export const AnomalyContractSchema = z
  .looseObject({
    ...preambleShape,
    validationContracts: declaresContract('anomaly'),
    object: z.array(z.strictObject(anomalyObjectShape).meta({ id: 'AnomalyObject' })).optional(),
    series: z
      .array(
        z.strictObject({
          ...seriesItemShape,
          object: z
            .strictObject(withoutDocumentIndexing(anomalyObjectShape))
            .meta({ id: 'AnomalySeriesObject' }),
        }),
      )
      .optional(),
  })
  .superRefine(requireOneOf(['object', 'series']))
  .meta(requireOneOfJsonSchema(['object', 'series']));
export type AnomalyContract = z.infer<typeof AnomalyContractSchema>;
