import * as z from 'zod';
import { MediaSchema } from '../common/annotations.ts';
import { declaresContract, preambleShape } from '../common/preamble.ts';

/** A translated file: a media reference with its language. */
export const TranslatedMediaSchema = MediaSchema.extend({ language: z.string() });

/** Translated media files: `media` entries that all carry a language. */
export const MediaTranslatedContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('media-translated'),
  media: z.array(TranslatedMediaSchema),
});
export type MediaTranslatedContract = z.infer<typeof MediaTranslatedContractSchema>;
