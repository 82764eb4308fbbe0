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
  const validity = output.valid === null ? 'not VTN' : output.valid ? 'valid VTN' : 'INVALID VTN';
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
onEvent('summary', ({ summary }) => {
  setBadge($('status'), summary.status, summary.status);
  $('failure').textContent = summary.failureReason
    ? `${summary.failureReason}: ${summary.failureMsg ?? ''}`
    : '';
});

function resetPanels() {
  for (const id of ['calls', 'heartbeats', 'issues', 'results']) $(id).replaceChildren();
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

$('chunk').addEventListener('change', () => showPreview($('chunk').files[0]));
$('chunk-form').addEventListener('submit', send);
loadDefaults();
pollReady();
setInterval(pollReady, 2000);
