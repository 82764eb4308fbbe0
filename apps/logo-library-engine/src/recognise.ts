import { readFile } from 'node:fs/promises';
import { LogoEngineError } from './errors.ts';
import { fingerprintImage } from './fingerprint.ts';
import { decodeImage } from '@engine-kit-apps/sample-support';
import { DEFAULT_MATCH_THRESHOLD, type LogoModel, matchFingerprint, parseModelText } from './model.ts';
import { type LogoVtn, logoMatchesToVtn } from './vtn.ts';

/** Reads and validates a model file; a corrupt or foreign file is `invalid_model` (invalid_data). */
export async function loadModelFile(path: string): Promise<LogoModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new LogoEngineError(
      'model_unreadable',
      `Cannot read the logo model ${path}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  const parsed = parseModelText(text);
  if (!parsed.success) {
    const first = parsed.issues[0]!;
    throw new LogoEngineError(
      'invalid_model',
      `${path} is not a logo model (${first.path || '/'}: ${first.message}); retrain the library.`,
    );
  }
  return parsed.data;
}

/** Recognises the logo shown in one frame: VTN with one `logo` object, or none when nothing is close enough. */
export function recogniseLogo(
  model: LogoModel,
  frame: Uint8Array,
  threshold = DEFAULT_MATCH_THRESHOLD,
): LogoVtn {
  const match = matchFingerprint(model, fingerprintImage(decodeImage(frame)), threshold);
  return logoMatchesToVtn(model.libraryId, match ? [match] : []);
}
