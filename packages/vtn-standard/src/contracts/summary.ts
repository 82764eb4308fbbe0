import * as z from 'zod';
import { declaresContract, preambleShape } from '../common/preamble.ts';

/** Text summary: a top-level `summary` string. */
export const SummaryContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('summary'),
  summary: z.string(),
});
export type SummaryContract = z.infer<typeof SummaryContractSchema>;
