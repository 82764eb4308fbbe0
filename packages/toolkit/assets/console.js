// The console page: vanilla JS, no build step. Talks to the console server's /api endpoints.
const $ = (id) => document.getElementById(id);
let currentTaskId = null;

function setBadge(element, state, text) {
  element.dataset.state = state;
  element.textContent = text;
}

function addLine(listId, text, bad) {
  const item = document.createElement('li');
  item.textContent = text;
  if (bad) item.className = 'bad';
  $(listId).append(item);
}

async function loadDefaults() {
  const defaults = await (await fetch('/api/defaults')).json();
  $('internalJobId').value = defaults.internalJobId;
  $('internalTaskId').value = defaults.internalTaskId;
  $('maxTTL').value = defaults.maxTTL;
  $('payload').value = JSON.stringify(defaults.payload, null, 2);
}

async function pollReady() {
  try {
    const { status } = await (await fetch('/api/ready')).json();
    if (status === 200) setBadge($('ready'), 'ready', 'engine: ready');
    else if (status === null) setBadge($('ready'), 'down', 'engine: not reachable');
    else setBadge($('ready'), 'unknown', `engine: ${status}`);
  } catch {
    setBadge($('ready'), 'down', 'console: offline');
  }
}

function showPreview(file) {
  const image = $('preview');
  $('overlay').replaceChildren();
  if (file?.type.startsWith('image/')) {
    image.src = URL.createObjectURL(file);
    image.hidden = false;
  } else {
    image.removeAttribute('src');
    image.hidden = true;
  }
  if (file && !$('mime').value) $('mime').placeholder = file.type || 'application/octet-stream';
}

/** Every boundingPoly in a VTN output, with where it came from. */
function collectPolygons(output) {
  const polygons = [];
  const visit = (object, label) => {
    if (object && Array.isArray(object.boundingPoly)) polygons.push({ points: object.boundingPoly, label });
  };
  for (const item of output?.series ?? []) {
    visit(item.object, item.object?.label ?? item.object?.type);
    for (const word of item.words ?? []) visit(word, word.word);
  }
  for (const object of output?.object ?? []) visit(object, object.label ?? object.type);
  return polygons;
}

function drawPolygons(outputIndex, output) {
  const svg = $('overlay');
  collectPolygons(output).forEach(({ points, label }, position) => {
    const polygon = document.createElementNS('http://www.w3.org/2000/svg', 'polygon');
    polygon.setAttribute('points', points.map((point) => `${point.x},${point.y}`).join(' '));
    polygon.dataset.output = String(outputIndex);
    polygon.dataset.index = String(position);
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = label ?? 'region';
    polygon.append(title);
    svg.append(polygon);
  });
}

function showOutput(output) {
  const block = document.createElement('div');
  block.className = `output${output.valid === false ? ' invalid' : ''}`;
  block.dataset.index = String(output.index);
  const heading = document.createElement('h3');
  const version = output.vtnVersion ? ` ${output.vtnVersion}` : '';
  const validity =
    output.valid === null ? 'not VTN' : output.valid ? `valid VTN${version}` : `INVALID VTN${version}`;
  heading.textContent = `#${output.index} from ${output.source} (${output.contentType}, ${validity})`;
  const pre = document.createElement('pre');
  pre.textContent =
    output.output !== undefined ? JSON.stringify(output.output, null, 2) : (output.body ?? '');
  block.append(heading, pre);
  $('results').append(block);
  if (output.output !== undefined) drawPolygons(output.index, output.output);
}

function onEvent(type, handler) {
  events.addEventListener(type, (message) => {
    const event = JSON.parse(message.data);
    if (event.internalTaskId === currentTaskId) handler(event);
  });
}

const events = new EventSource('/api/events');
onEvent('process-call', ({ call }) =>
  addLine(
    'calls',
    `call ${call.attempt}: ${call.status ?? 'no answer'} ${call.kind}${call.error ? ` — ${call.error}` : ''}`,
    call.kind === 'failure' || call.kind === 'no-response',
  ),
);
onEvent('heartbeat', ({ heartbeat }) =>
  addLine(
    'heartbeats',
    `${heartbeat.receivedAtMs} ms: ${JSON.stringify(heartbeat.heartbeat)}`,
    !heartbeat.accepted,
  ),
);
onEvent('output', ({ output }) => showOutput(output));
onEvent('issue', ({ issue }) =>
  addLine(
    'issues',
    `${issue.source} #${issue.index} ${issue.path || '/'}: ${issue.message} (${issue.code})`,
    true,
  ),
);
onEvent('warning', ({ warning }) => addLine('warnings', warning.message, true));
onEvent('summary', ({ summary }) => {
  const invalid = summary.invalidOutputs ?? 0;
  const text =
    invalid > 0 && summary.status !== 'failed'
      ? `${summary.status}, ${invalid} INVALID output(s)`
      : summary.status;
  setBadge($('status'), summary.status, text);
  $('failure').textContent = summary.failureReason
    ? `${summary.failureReason}: ${summary.failureMsg ?? ''}`
    : invalid > 0
      ? `${invalid} output(s) are not valid VTN standard (a warning; tick strict to fail the chunk)`
      : '';
});

function resetPanels() {
  for (const id of ['calls', 'heartbeats', 'warnings', 'issues', 'results']) $(id).replaceChildren();
  $('overlay').replaceChildren();
  $('failure').textContent = '';
}

async function send(event) {
  event.preventDefault();
  const form = new FormData($('chunk-form'));
  const file = $('chunk').files[0];
  if (!file) form.delete('chunk');
  if (!form.get('chunkMimeType') && file) form.set('chunkMimeType', file.type);
  currentTaskId = form.get('internalTaskId');
  resetPanels();
  setBadge($('status'), 'running', 'running');
  $('send').disabled = true;
  try {
    const response = await fetch('/api/process', { method: 'POST', body: form });
    const body = await response.json();
    if (!response.ok) {
      setBadge($('status'), 'failed', 'failed');
      $('failure').textContent = body.error;
    }
  } catch (error) {
    setBadge($('status'), 'failed', 'failed');
    $('failure').textContent = String(error);
  } finally {
    $('send').disabled = false;
    $('internalTaskId').value = `task-${crypto.randomUUID()}`;
  }
}

// Media mode: a timeline of chunks in media time; click one to see its frame and polygons.
const media = { durationMs: 0, outputs: new Map() };

function chunkBlock(index) {
  let block = document.querySelector(`#timeline .chunk[data-index="${index}"]`);
  if (!block) {
    block = document.createElement('span');
    block.className = 'chunk';
    block.dataset.index = String(index);
    block.addEventListener('click', () => showMediaChunk(index));
    $('timeline').append(block);
  }
  return block;
}

function placeChunk(block, startMs, endMs) {
  const total = media.durationMs || Math.max(endMs, 1);
  block.style.left = `${(100 * startMs) / total}%`;
  block.style.width = `${(100 * Math.max(endMs - startMs, total / 500)) / total}%`;
  block.title = `chunk ${block.dataset.index}: ${startMs}–${endMs} ms`;
}

function showMediaChunk(index) {
  $('overlay').replaceChildren();
  $('results').replaceChildren();
  const image = $('preview');
  image.src = `/api/media-frame?index=${index}`;
  image.hidden = false;
  for (const output of media.outputs.get(index) ?? []) showOutput(output);
}

events.addEventListener('media', (message) => {
  const { event } = JSON.parse(message.data);
  if (event.type === 'planned') {
    media.durationMs = event.media.durationMs ?? 0;
    $('media-status').textContent =
      `plan: ${event.plan.kind}, about ${event.plan.expectedChunks} chunks, concurrency ${event.concurrency}`;
  } else if (event.type === 'chunk-start') {
    const block = chunkBlock(event.index);
    block.dataset.state = 'running';
    placeChunk(block, event.startOffsetMs, event.endOffsetMs);
  } else if (event.type === 'chunk-event') {
    if (event.event.type === 'output') {
      const list = media.outputs.get(event.index) ?? [];
      list.push(event.event.output);
      media.outputs.set(event.index, list);
      const output = event.event.output.output;
      if ((output?.object?.length ?? 0) + (output?.series?.length ?? 0) > 0)
        chunkBlock(event.index).classList.add('found');
    } else if (event.event.type === 'heartbeat') {
      const beat = event.event.heartbeat;
      addLine(
        'heartbeats',
        `chunk ${event.index}, ${beat.receivedAtMs} ms: ${JSON.stringify(beat.heartbeat)}`,
        !beat.accepted,
      );
    }
  } else if (event.type === 'chunk-done') {
    chunkBlock(event.chunk.index).dataset.state = event.chunk.status;
    $('media-status').textContent = `${event.done}/${event.total} chunks, ${event.failed} failed`;
  }
});
events.addEventListener('media-summary', (message) => {
  const { summary } = JSON.parse(message.data);
  const items = summary.counts.seriesItems ?? 0;
  $('media-status').textContent =
    `${summary.status}: ${summary.counts.chunks} chunks, ${summary.counts.failed} failed, ${items} series items${summary.failureMsg ? ` — ${summary.failureMsg}` : ''}`;
});

async function sendMedia(event) {
  event.preventDefault();
  const form = new FormData($('media-form'));
  if (!$('media').files[0]) return;
  media.outputs.clear();
  media.durationMs = 0;
  $('timeline').replaceChildren();
  resetPanels();
  $('send-media').disabled = true;
  $('media-status').textContent = 'uploading…';
  try {
    const response = await fetch('/api/media', { method: 'POST', body: form });
    if (!response.ok) $('media-status').textContent = (await response.json()).error;
  } catch (error) {
    $('media-status').textContent = String(error);
  } finally {
    $('send-media').disabled = false;
  }
}

$('media-form').addEventListener('submit', sendMedia);
$('chunk').addEventListener('change', () => showPreview($('chunk').files[0]));
$('chunk-form').addEventListener('submit', send);
loadDefaults();
pollReady();
setInterval(pollReady, 2000);
