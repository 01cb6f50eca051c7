// The ALTCHA widget for anonymous writes. The external build sets no inline styles and starts no blob:
// workers, so it runs under our CSP; its proof-of-work runs in a same-origin worker that the build copies
// from the package (npm run build). German texts come with it; English is built in.
import 'altcha/external';
import 'altcha/altcha.css';
import 'altcha/i18n/de';

let workerUrl = null;

export function setUpAntiSpam(config) {
  if (!config || workerUrl) return;
  workerUrl = config.worker;
  globalThis.$altcha.algorithms.set('PBKDF2/SHA-256', () => new Worker(workerUrl));
}

// The anti-spam members of an anonymous write: the widget's payload (solving it now if the person has
// not ticked the box yet) and the honeypot, which people leave empty.
export async function antiSpamFields(form) {
  const widget = form.querySelector('altcha-widget');
  if (widget) await solved(widget);
  const data = new FormData(form);
  return { altcha: data.get('altcha') || '', website: data.get('website') || '' };
}

// Solving started when the form got focus: wait for it rather than restart it.
async function solved(widget) {
  if (widget.getState() === 'verifying') {
    await new Promise((resolve) => {
      const settle = (event) => {
        if (event.detail.state === 'verifying') return;
        widget.removeEventListener('statechange', settle);
        resolve();
      };
      widget.addEventListener('statechange', settle);
    });
  }
  if (widget.getState() !== 'verified') await widget.verify();
}

// Whether the server got as far as checking the proof (and so spent it): it checks it after everything
// else, so a refusal for another reason (already supported, a typo) leaves the proof usable.
export function proofSpent(failure) {
  return !failure || failure.status === 429 || Boolean(failure.fields && failure.fields.altcha);
}

// A payload is accepted once: after a send, the widget must be solved again for the next one.
export function resetAntiSpam(root) {
  for (const widget of root.querySelectorAll('altcha-widget')) widget.reset();
}

// Page forms (support, comment, report) post without script; with it, sending solves a proof that was
// not solved yet instead of coming back with "please confirm you are not a robot".
export function solveBeforeSubmit(root = document) {
  for (const widget of root.querySelectorAll('form altcha-widget')) {
    const form = widget.closest('form');
    form.addEventListener('submit', async (event) => {
      if (widget.getState() === 'verified') return;
      event.preventDefault();
      await solved(widget);
      if (widget.getState() === 'verified') form.requestSubmit(event.submitter);
    });
  }
}
