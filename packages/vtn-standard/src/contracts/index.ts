import type * as z from 'zod';
import type { ReferenceContract } from '../common/contract-names.ts';
import { AionContractSchema } from './aion.ts';
import { AnomalyContractSchema } from './anomaly.ts';
import { ConceptContractSchema } from './concept.ts';
import { EntityContractSchema } from './entity.ts';
import { KeywordContractSchema } from './keyword.ts';
import { LanguageContractSchema } from './language.ts';
import { MediaTranslatedContractSchema } from './media-translated.ts';
import { ObjectContractSchema } from './object.ts';
import { SentimentContractSchema } from './sentiment.ts';
import { SummaryContractSchema } from './summary.ts';
import { TextContractSchema } from './text.ts';
import { TranscriptContractSchema } from './transcript.ts';

/** The zod schema of each reference contract, by contract name. */
export const CONTRACT_SCHEMAS = {
  aion: AionContractSchema,
  anomaly: AnomalyContractSchema,
  concept: ConceptContractSchema,
  entity: EntityContractSchema,
  keyword: KeywordContractSchema,
  language: LanguageContractSchema,
  'media-translated': MediaTranslatedContractSchema,
  object: ObjectContractSchema,
  sentiment: SentimentContractSchema,
  summary: SummaryContractSchema,
  text: TextContractSchema,
  transcript: TranscriptContractSchema,
} satisfies Record<ReferenceContract, z.ZodType>;
