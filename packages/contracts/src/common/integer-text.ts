import { z } from 'zod';

/**
 * A non-negative integer in a multipart text field. Fifteen digits at most keeps every accepted value a
 * safe integer, and is a bound the JSON Schema pattern states exactly as zod does.
 */
export const INTEGER_TEXT_PATTERN = /^(0|[1-9][0-9]{0,14})$/;

/** Largest value an integer text field may hold. */
export const MAX_INTEGER_TEXT_VALUE = 999_999_999_999_999;

export const IntegerTextSchema = z
  .string()
  .regex(INTEGER_TEXT_PATTERN, { error: 'must be a non-negative integer written in decimal digits' });
