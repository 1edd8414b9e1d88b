'use strict';
// Starts one kill task per instance ID and follows each through its Server-Sent Events stream:
// "task" events carry the task's state (TaskInfo), "watch-error" ends a watch that failed.

const form = document.getElementById('kill-form');
const input = document.getElementById('instance-ids');
const button = document.getElementById('kill-button');
const formMessage = document.getElementById('form-message');
const list = document.getElementById('tasks');
const template = document.getElementById('task-template');
const summary = document.getElementById('summary');
const noTasks = document.getElementById('no-tasks');

const TERMINAL = new Set(['finished', 'failed', 'error']);
// Every API answer names the backend that served it (X-Dashboard-Backend): emulator or tencent-cloud.
const BACKENDS = {'emulator': 'embedded emulator', 'tencent-cloud': 'Tencent Cloud'};

fetch('/api/backend', {headers: {Accept: 'application/json'}})
  .then(response => response.ok ? response.json() : null)
  .then(backend => {
    if (!backend) {
      return;
    }
    const label = document.getElementById('backend');
    label.textContent = BACKENDS[backend.backend] || (backend.emulator ? 'embedded emulator' : 'Tencent Cloud');
    label.dataset.backend = backend.backend;
    if (backend.emulator && !input.value) {
      input.value = 'crs-demo0001, crs-demo0002, crs-demo0003';
    }
  })
  .catch(() => {});

form.addEventListener('submit', async event => {
  event.preventDefault();
  const ids = [...new Set(input.value.split(/[\s,;]+/).filter(id => id.length > 0))];
  if (ids.length === 0) {
    formMessage.textContent = 'Enter at least one instance ID.';
    input.focus();
    return;
  }
  formMessage.textContent = '';
  button.disabled = true;
  try {
    await Promise.all(ids.map(start));
  } finally {
    button.disabled = false;
  }
});

async function start(instanceId) {
  const card = addCard(instanceId);
  let response;
  let body = {};
  try {
    response = await fetch(`/api/instances/${encodeURIComponent(instanceId)}/kill`,
      {method: 'POST', headers: {Accept: 'application/json', 'Content-Type': 'application/json'}, body: '{}'});
    body = await response.json().catch(() => ({}));
    const servedBy = response.headers.get('X-Dashboard-Backend');
    card.dataset.backend = servedBy || '';
    card.querySelector('.served-by').textContent = servedBy ? `via ${BACKENDS[servedBy] || servedBy}` : '';
  } catch (e) {
    fail(card, 'NetworkError', e.message);
    return;
  }
  if (!response.ok) {
    fail(card, body.code || `HTTP ${response.status}`, body.detail || response.statusText);
    return;
  }
  card.querySelector('.task-id').textContent = `task ${body.taskId}`;
  setState(card, 'waiting');
  follow(card, body.events);
}

function follow(card, url) {
  const source = new EventSource(url);
  source.addEventListener('task', event => {
    const task = JSON.parse(event.data);
    render(card, task);
    if (task.terminal) {
      source.close();
    }
  });
  source.addEventListener('watch-error', event => {
    const failure = JSON.parse(event.data);
    source.close();
    if (failure.lastSeen) {
      render(card, failure.lastSeen);
    }
    fail(card, failure.code, failure.message);
  });
  source.onerror = () => {
    // The browser reconnects by itself (and gets the latest state first); only a refused stream is final.
    if (source.readyState === EventSource.CLOSED && !TERMINAL.has(card.dataset.state)) {
      fail(card, 'StreamClosed', 'the event stream was refused');
    }
  };
}

function addCard(instanceId) {
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.instance = instanceId;
  card.querySelector('.instance').textContent = instanceId;
  list.append(card);
  noTasks.hidden = true;
  updateSummary();
  return card;
}

function render(card, task) {
  const status = task.status;
  const percent = Math.max(0, Math.min(100, Math.round(task.progress)));
  const bar = card.querySelector('.bar');
  bar.setAttribute('aria-valuenow', String(percent));
  card.querySelector('.fill').style.width = `${percent}%`;
  card.querySelector('.percent').textContent = `${percent}%`;
  card.querySelector('.proxies').textContent =
    `proxies finished ${task.finishedProxyList.length}/${task.instProxyCount}, ` +
    `failed ${task.failedProxyList.length}`;
  setState(card, status);
}

function fail(card, code, message) {
  const error = card.querySelector('.error');
  error.textContent = `${code}: ${message}`;
  error.hidden = false;
  card.classList.toggle('no-task', !card.querySelector('.task-id').textContent);
  setState(card, 'error');
}

function setState(card, state) {
  card.dataset.state = state;
  card.querySelector('.status').textContent = state;
  updateSummary();
}

function updateSummary() {
  const cards = [...list.children];
  const count = state => cards.filter(card => card.dataset.state === state).length;
  const done = cards.filter(card => TERMINAL.has(card.dataset.state)).length;
  summary.textContent = cards.length === 0 ? '' :
    `${cards.length} task(s): ${count('finished')} finished, ${count('failed')} failed, ` +
    `${count('error')} error(s), ${cards.length - done} in progress`;
}
