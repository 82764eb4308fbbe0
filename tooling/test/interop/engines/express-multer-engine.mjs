// A third-party chunk engine in the shape of Veritone's JavaScript sample: express with multer,
// its port only from VERITONE_WEBHOOK_*, and its VTN answer sent with res.send(string), which
// express types text/html. Written without engine-kit.
import express from 'express';
import multer from 'multer';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the toolkit when it starts the engine, not a build input.
const ready = new URL(process.env.VERITONE_WEBHOOK_READY);
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the toolkit when it starts the engine, not a build input.
const processHook = new URL(process.env.VERITONE_WEBHOOK_PROCESS);
const upload = multer({ storage: multer.memoryStorage() });
const app = express();

app.get(ready.pathname, (_request, response) => response.status(200).send('ready'));
app.post(processHook.pathname, upload.single('chunk'), (request, response) => {
  const { width, height, chunkMimeType } = request.body;
  if (!request.file || !chunkMimeType?.startsWith('image/')) {
    response.status(204).end();
    return;
  }
  const bytes = request.file.buffer;
  const output = {
    series: [
      {
        startTimeMs: 0,
        stopTimeMs: 1000,
        object: {
          type: 'object',
          label: `${width}x${height} ${bytes.length} bytes ${request.file.originalname}`,
          confidence: 0.5,
          boundingPoly: [
            { x: 0, y: 0 },
            { x: 1, y: 0 },
            { x: 1, y: 1 },
          ],
        },
      },
    ],
  };
  response.send(JSON.stringify(output));
});
const server = app.listen(Number(processHook.port), processHook.hostname);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
