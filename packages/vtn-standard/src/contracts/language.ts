import * as z from 'zod';
import { declaresContract, preambleShape } from '../common/preamble.ts';
import { LanguageSchema } from '../common/primitives.ts';

/** Language identification: a top-level `language`. */
export const LanguageContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('language'),
  language: LanguageSchema,
});
export type LanguageContract = z.infer<typeof LanguageContractSchema>;
