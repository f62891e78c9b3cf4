// The page: submit the form, listen to the generation's server-sent events, show what arrives.
const $ = (id) => document.getElementById(id);
let source = null;
let current = null;

fetch('/api/info').then((r) => r.json()).then((info) => {
  $('model').textContent = 'Model: ' + info.model + ' (' + info.stages.map((s) => s.name + ' ' + s.steps + ' steps').join(', ') + ').';
});

function task() { return document.querySelector('input[name=task]:checked').value; }

document.querySelectorAll('input[name=task]').forEach((r) => r.addEventListener('change', () => {
  $('image-row').hidden = task() !== 'subject';
  $('first-frame-row').hidden = task() !== 'predict';
  $('prompt').placeholder = task() === 'subject' ? 'a <image> moves left on a red background'
    : 'a dog moves right on a blue background';
}));

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
}

function busy(on) {
  $('generate').disabled = on;
  $('cancel').hidden = !on;
}

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('error').hidden = true;
  const form = new FormData($('form'));
  if (task() !== 'subject') form.delete('image');
  if (task() !== 'predict') form.delete('firstFrame');
  busy(true);
  $('retrieved').replaceChildren();
  $('stages').replaceChildren();
  $('retrieved-section').hidden = true;
  $('result').hidden = true;
  $('state').textContent = '(queued)';
  $('progress-section').hidden = false;
  let r;
  try {
    r = await fetch('/api/generations', { method: 'POST', body: form });
  } catch (err) {
    busy(false);
    showError('The server cannot be reached: ' + err);
    return;
  }
  const body = await r.json().catch(() => ({ message: r.statusText }));
  if (!r.ok) {
    busy(false);
    $('progress-section').hidden = true;
    const retry = r.headers.get('Retry-After');
    showError(body.message + (retry ? ' (Retry-After: ' + retry + ' s)' : ''));
    return;
  }
  current = body.id;
  listen(body.events);
});

$('cancel').addEventListener('click', () => {
  if (current) fetch('/api/generations/' + current, { method: 'DELETE' });
});

function stageRow(p) {
  let row = document.querySelector('.stage[data-stage="' + p.stage + '"]');
  if (!row) {
    row = document.createElement('div');
    row.className = 'stage';
    row.dataset.stage = p.stage;
    const label = document.createElement('span');
    const bar = document.createElement('progress');
    row.append(label, bar);
    $('stages').append(row);
  }
  return row;
}

function listen(url) {
  if (source) source.close();
  source = new EventSource(url);
  source.addEventListener('state', (e) => { $('state').textContent = '(' + JSON.parse(e.data).state + ')'; });
  source.addEventListener('retrieved', (e) => {
    const items = JSON.parse(e.data);
    $('retrieved').replaceChildren(...items.map((it) => {
      const fig = document.createElement('figure');
      const img = document.createElement('img');
      img.src = it.image;
      img.alt = it.caption;
      const cap = document.createElement('figcaption');
      cap.textContent = it.caption;
      fig.append(img, cap);
      return fig;
    }));
    $('retrieved-section').hidden = items.length === 0;
  });
  source.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    if (p.phase !== 'sampling') {
      $('state').textContent = '(' + p.phase + ')';
      return;
    }
    $('state').textContent = '(sampling)';
    const row = stageRow(p);
    row.querySelector('span').textContent = 'Stage ' + (p.stageIndex + 1) + '/' + p.stageCount + ' ' + p.stage + ': step ' + p.step + '/' + p.totalSteps;
    row.querySelector('progress').max = p.totalSteps;
    row.querySelector('progress').value = p.step;
  });
  source.addEventListener('done', (e) => {
    const d = JSON.parse(e.data);
    source.close();
    busy(false);
    $('state').textContent = '(done in ' + d.seconds.toFixed(1) + ' s)';
    $('video').src = d.video;
    $('download').href = d.download;
    $('video-facts').textContent = d.frames + ' frames, ' + d.width + 'x' + d.height + ' at ' + d.fps + ' fps';
    $('result').hidden = false;
  });
  const ended = (what) => (e) => {
    source.close();
    busy(false);
    $('state').textContent = '(' + what + ')';
    if (e.data) showError(JSON.parse(e.data).message);
  };
  source.addEventListener('failed', ended('failed'));
  source.addEventListener('cancelled', ended('cancelled'));
}
