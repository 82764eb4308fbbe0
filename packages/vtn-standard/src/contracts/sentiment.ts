import * as z from 'zod';
import { EmotionsSchema, SentimentSchema } from '../common/annotations.ts';
import { ObjectResultSchema } from '../common/object-result.ts';
import { declaresContract, preambleShape } from '../common/preamble.ts';

type SentimentCarrier = { sentiment?: unknown; emotions?: unknown };

const carriesSentiment = (value: SentimentCarrier) =>
  value.sentiment !== undefined || value.emotions !== undefined;

/**
 * Sentiment: a document-level sentiment or emotions, or objects that each carry one of them.
 */
export const SentimentContractSchema = z
  .looseObject({
    ...preambleShape,
    validationContracts: declaresContract('sentiment'),
    sentiment: SentimentSchema.optional(),
    emotions: EmotionsSchema.optional(),
    object: z.array(ObjectResultSchema).optional(),
  })
  .superRefine((document, ctx) => {
    if (carriesSentiment(document)) return;
    if (document.object?.every(carriesSentiment)) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'missing_sentiment' },
      message: 'The document needs sentiment or emotions, or objects that each carry sentiment or emotions',
    });
  })
  .meta({
    anyOf: [
      { required: ['sentiment'] },
      { required: ['emotions'] },
      {
        required: ['object'],
        properties: {
          object: {
            type: 'array',
            items: { anyOf: [{ required: ['sentiment'] }, { required: ['emotions'] }] },
          },
        },
      },
    ],
  });
export type SentimentContract = z.infer<typeof SentimentContractSchema>;
