// An export job's page: the progress bar follows the job's status from the API until the file is ready.
// Without JavaScript the page reloads itself every few seconds (<noscript> refresh) instead.
import './export.css';
import { gettext, interpolate } from './i18n.js';

const config = JSON.parse(document.getElementById('export-config').textContent);

function stateText(job) {
  if (job.state === 'queued') return gettext('Waiting for the worker…');
  if (job.state === 'running') return interpolate(gettext('Writing the file: %(progress)s % done.'), { progress: job.progress });
  if (job.state === 'done') return gettext('The file is ready.');
  if (job.state === 'failed') return gettext('The export failed.');
  return job.state;
}

function setUpJob() {
  const progress = document.getElementById('job-progress');
  const state = document.getElementById('job-state');
  const ready = document.getElementById('job-ready');
  const failed = document.getElementById('job-failed');
  let delay = 700;
  const poll = async () => {
    let job;
    try {
      const response = await fetch(config.statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      job = await response.json();
    } catch {
      delay = Math.min(delay * 2, 10000);  // the server is busy or away: ask less often
      window.setTimeout(poll, delay);
      return;
    }
    progress.value = job.progress;
    progress.textContent = `${job.progress} %`;
    state.textContent = stateText(job);
    document.body.dataset.jobState = job.state;
    if (job.state === 'done') {
      progress.hidden = true;
      ready.hidden = false;
      document.getElementById('job-count').textContent = String(job.feature_count);
    } else if (job.state === 'failed') {
      progress.hidden = true;
      failed.hidden = false;
    } else {
      window.setTimeout(poll, delay);
    }
  };
  poll();
}

setUpJob();
