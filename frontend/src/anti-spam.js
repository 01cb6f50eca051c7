// The ALTCHA widget for anonymous writes. The external build sets no inline styles and starts no blob:
// workers, so it runs under our CSP; its proof-of-work runs in a same-origin worker that the build copies
// from the package (npm run build). German texts come with it; English is built in.
import 'altcha/external';
import 'altcha/altcha.css';
import 'altcha/i18n/de';
import './anti-spam.css';

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

// Page forms (support, comment, report, survey) post as plain forms. With script, one press proves and
// sends: the widget's checkbox is `required` until solved, so the browser's own validation would stop the
// first press at it (nothing sent, nothing said). The form therefore skips the browser's validation, checks
// its other fields itself, solves the proof, then sends. Its live region says "checking …", "sending …" or
// why it failed; its texts come from the template (data-* of the status line), so every page has them.
export function solveBeforeSubmit(root = document) {
  for (const widget of root.querySelectorAll('form altcha-widget')) {
    const form = widget.closest('form');
    const status = form.querySelector('.anti-spam-status');
    const validate = !form.noValidate;  // forms marked novalidate leave their checks to the server
    form.noValidate = true;
    let sending = false;
    const say = (state) => {
      if (!status) return;
      status.textContent = state ? status.dataset[state] : '';
      status.classList.toggle('anti-spam-status--failed', state === 'failed');
    };
    const busy = (on) => {
      form.classList.toggle('form--busy', on);
      form.setAttribute('aria-busy', String(on));
    };
    form.addEventListener('submit', async (event) => {
      if (sending) {  // a second press while the first is on its way sends nothing twice
        event.preventDefault();
        return;
      }
      if (validate && !fieldsValid(form)) {
        event.preventDefault();
        return;
      }
      if (widget.getState() === 'verified') {
        sending = true;
        say('sending');
        busy(true);
        return;
      }
      event.preventDefault();
      sending = true;
      say('checking');
      busy(true);
      try {
        await solved(widget);
      } catch {
        // The widget shows its own error state; the live region says what to do next.
      }
      sending = false;
      if (widget.getState() === 'verified') {
        form.requestSubmit(event.submitter);
      } else {
        busy(false);
        say('failed');
      }
    });
    // Back from the next page (back/forward cache): the form is usable again; the widget resets itself.
    window.addEventListener('pageshow', (event) => {
      if (!event.persisted) return;
      sending = false;
      busy(false);
      say(null);
    });
  }
}

// The browser's checks of every field but the widget's checkbox (solved on the way): the first invalid
// field gets the browser's own message and the focus.
function fieldsValid(form) {
  for (const field of form.elements) {
    if (field.closest('altcha-widget')) continue;
    if (!field.checkValidity()) {
      field.reportValidity();
      return false;
    }
  }
  return true;
}
