import * as z from 'zod';
import { DATE_TIME_PATTERN, NO_TRAILING_NEWLINE } from './patterns.ts';

/** Confidence from 0.0 (not confident) to 1.0 (maximum confidence). */
export const ConfidenceSchema = z.number().min(0).max(1).meta({ id: 'Confidence' });
export type Confidence = z.infer<typeof ConfidenceSchema>;

/** A globally unique id; typically a UUID, but the standard does not insist. */
export const GuidSchema = z.string().meta({ id: 'Guid' });

/** ISO 8601 date-time, checked as the reference checks it (see DATE_TIME_PATTERN). */
export const DateTimeSchema = z
  .string()
  .regex(DATE_TIME_PATTERN, 'Must be an ISO 8601 date-time')
  .meta({ id: 'DateTime', ...NO_TRAILING_NEWLINE });

/** BCP-47 language tag. The reference only requires a string. */
export const LanguageSchema = z.string().meta({ id: 'Language' });

/**
 * Collation order used to preserve ordering when processing in parallel.
 * Integers are limited to the safe range (see KNOWN_DIFFERENCES `unsafe-integer`).
 */
export const CollateIndexSchema = z.int().meta({ id: 'CollateIndex' });

/** Page, paragraph and sentence numbers start at 1. */
export const DocumentIndexSchema = z.int().min(1).meta({ id: 'DocumentIndex' });

/** Custom data that is kept but not indexed. */
export const VendorSchema = z.record(z.string(), z.unknown()).meta({ id: 'Vendor' });
export type Vendor = z.infer<typeof VendorSchema>;

/** Arbitrary key/value tags with an optional score. */
export const TagSchema = z
  .looseObject({
    key: z.string(),
    value: z.string().optional(),
    score: z.number().min(0).max(1).optional(),
  })
  .meta({ id: 'Tag' });
export type Tag = z.infer<typeof TagSchema>;
export const TagsSchema = z.array(TagSchema).meta({ id: 'Tags' });
