import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendJson, sendText } from '../common/http.ts';
import { receiveMultipartToDisk } from '../common/multipart.ts';
import type { EngineSession } from '../run-process.ts';
import type { PlanFlags } from './plan.ts';
import { type MediaEvent, runMedia } from './run-media.ts';

/** Frames the console keeps for display (the newest; older ones are deleted). */
export const CONSOLE_KEPT_FRAMES = 200;

export interface MediaConsoleOptions {
  session: EngineSession;
  uploadDir: string;
  maxUploadBytes: number;
  broadcast: (event: { type: string; [key: string]: unknown }) => void;
}

/**
 * The console's media mode: `POST /api/media` (a media file plus plan fields) runs `--media` on
 * the console's engine session and streams `media` events (plan, each chunk's range, status,
 * outputs, heartbeats); `GET /api/media-frame?index=N` serves a kept frame of the last run so the
 * page can draw its polygons over it. One media run at a time.
 */
export function createMediaConsole(options: MediaConsoleOptions) {
  const framesDir = join(options.uploadDir, 'media-frames');
  let kept: { index: number; path: string; mimeType: string }[] = [];
  let running = false;

  async function keepFrame(chunk: { index: number; path: string; mimeType: string }) {
    if (!chunk.mimeType.startsWith('image/')) return;
    const path = join(framesDir, `frame-${chunk.index}`);
    await copyFile(chunk.path, path);
    kept.push({ index: chunk.index, path, mimeType: chunk.mimeType });
    while (kept.length > CONSOLE_KEPT_FRAMES) await rm(kept.shift()!.path, { force: true });
  }

  async function start(request: IncomingMessage, response: ServerResponse) {
    if (running) return sendJson(response, 409, { error: 'a media run is in progress', code: 'busy' });
    running = true;
    try {
      const form = await receiveMultipartToDisk(request, options.uploadDir, {
        fileBytes: options.maxUploadBytes,
        files: 1,
        fields: 20,
        fieldBytes: 64 * 1024,
        acceptFile: (field) => field === 'media',
      });
      const file = form.files.find((entry) => entry.field === 'media');
      if (!file || file.bytes === 0) {
        await Promise.all(form.files.map((entry) => rm(entry.path, { force: true })));
        return sendJson(response, 400, { error: 'no media file', code: 'missing_media' });
      }
      await rm(framesDir, { recursive: true, force: true });
      await mkdir(framesDir, { recursive: true });
      kept = [];
      const plan = planFromFields(form.fields);
      const payload = payloadFromField(form.fields.payload);
      if ('error' in plan || payload.error !== undefined) {
        await rm(file.path, { force: true });
        const error = 'error' in plan ? plan.error : payload.error;
        return sendJson(response, 400, { error, code: 'invalid_field' });
      }
      try {
        const concurrency = Number(form.fields.concurrency || 1);
        const summary = await runMedia({
          command: [],
          session: options.session,
          media: file.path,
          plan: plan.flags,
          concurrency:
            Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64 ? concurrency : 1,
          mergeConsecutive: form.fields.mergeConsecutive === 'on',
          ...(payload.payload ? { task: { payload: payload.payload } } : {}),
          onMediaEvent: (event: MediaEvent) => options.broadcast({ type: 'media', event }),
          onChunkFile: keepFrame,
        });
        options.broadcast({ type: 'media-summary', summary });
        sendJson(response, 200, summary);
      } finally {
        await rm(file.path, { force: true });
      }
    } finally {
      running = false;
    }
  }

  async function frame(response: ServerResponse, url: URL) {
    const index = Number(url.searchParams.get('index'));
    const found = Number.isInteger(index) ? kept.find((entry) => entry.index === index) : undefined;
    if (!found) return sendText(response, 404, 'no such frame (only the newest frames are kept)');
    response.setHeader('content-type', found.mimeType);
    response.setHeader('cache-control', 'no-store');
    response.end(await readFile(found.path));
  }

  return {
    /** Handles the media endpoints; false when the request is not one of them. */
    async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
      if (url.pathname === '/api/media' && request.method === 'POST') await start(request, response);
      else if (url.pathname === '/api/media-frame' && request.method === 'GET') await frame(response, url);
      else return false;
      return true;
    },
  };
}

/** The `payload` every chunk of the run gets: a JSON object, or none when the field is empty. */
function payloadFromField(
  text: string | undefined,
): { payload?: Record<string, unknown>; error?: undefined } | { error: string; payload?: undefined } {
  if (!text?.trim()) return {};
  try {
    const payload: unknown = JSON.parse(text);
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload))
      return { payload: payload as Record<string, unknown> };
  } catch {
    // Reported below, as for any value that is not an object.
  }
  return { error: 'payload must be a JSON object' };
}

function planFromFields(fields: Record<string, string>): { flags: PlanFlags } | { error: string } {
  const flags: PlanFlags = {};
  const number = (name: string) => {
    const text = fields[name]?.trim();
    if (!text) return undefined;
    const value = Number(text);
    return Number.isFinite(value) && value > 0 ? value : Number.NaN;
  };
  const fps = number('fps');
  const segmentMs = number('segmentMs');
  if (Number.isNaN(fps) || Number.isNaN(segmentMs)) return { error: 'fps and segmentMs must be numbers > 0' };
  if (fps !== undefined) flags.fps = fps;
  if (segmentMs !== undefined) flags.segmentMs = segmentMs;
  const plan = fields.plan?.trim();
  if (plan === 'frames' || plan === 'segments' || plan === 'whole') flags.plan = plan;
  return { flags };
}
