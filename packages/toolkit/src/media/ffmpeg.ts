import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { MediaError } from './errors.ts';

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

export const FFMPEG_INSTALL_HINT =
  'install it with "apt-get install -y ffmpeg" (Debian/Ubuntu), "brew install ffmpeg" (macOS) or from https://ffmpeg.org/download.html, then make sure ffmpeg and ffprobe are on PATH';

/**
 * Finds `ffmpeg` and `ffprobe` on `PATH` (or at `FFMPEG_PATH` / `FFPROBE_PATH`). No npm package
 * is used: the ones that download binaries at install time fail offline and behind firewalls.
 */
export async function findFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<FfmpegTools> {
  const [ffmpeg, ffprobe] = await Promise.all([
    findExecutable('ffmpeg', env.FFMPEG_PATH, env),
    findExecutable('ffprobe', env.FFPROBE_PATH, env),
  ]);
  const missing = [ffmpeg ? undefined : 'ffmpeg', ffprobe ? undefined : 'ffprobe'].filter(Boolean);
  if (!ffmpeg || !ffprobe) {
    throw new MediaError(
      'ffmpeg_missing',
      `--media needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not on PATH: ${FFMPEG_INSTALL_HINT}`,
    );
  }
  return { ffmpeg, ffprobe };
}

async function findExecutable(
  name: string,
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (explicit) return (await isExecutable(explicit)) ? explicit : undefined;
  const extensions = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** ffprobe's answers are small; a larger one means something is wrong. */
const PROBE_OUTPUT_LIMIT = 4 * 1024 * 1024;

/** Runs ffprobe and returns its JSON; a file it cannot read is `invalid_data` with ffprobe's reason. */
export function runFfprobe(tools: FfmpegTools, path: string, timeoutMs = 60_000): Promise<unknown> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', path];
  return new Promise((resolve, reject) => {
    execFile(
      tools.ffprobe,
      args,
      { maxBuffer: PROBE_OUTPUT_LIMIT, timeout: timeoutMs, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const reason = firstLines(stderr) || error.message;
          reject(new MediaError('invalid_data', `ffprobe cannot read ${path}: ${reason}`, { cause: error }));
          return;
        }
        try {
          resolve(JSON.parse(stdout));
        } catch (cause) {
          reject(new MediaError('invalid_data', `ffprobe gave no JSON for ${path}`, { cause }));
        }
      },
    );
  });
}

/** The first lines of an ffmpeg error log, trimmed, for an error message a person can read. */
export function firstLines(text: string, lines = 3): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, lines)
    .join('; ')
    .slice(0, 500);
}
