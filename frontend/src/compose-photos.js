// The photos of a new suggestion (compose.js): up to config.photos.max, each from the camera or a file, with
// a preview, a required description and a remove button. The checks here mirror the server's (how many, how
// large, which type, a description for each) so that a person hears at once, before a long upload; the
// server decides, and its refusal of one photo is said next to that photo (compose.js, `showError`).
// The button opens the file chooser: a file input alone cannot be styled as a button and says little to
// screen readers. No `capture` attribute: phones then offer the camera and the gallery.
import { element } from './dom.js';
import { gettext, interpolate, ngettext } from './i18n.js';

const PREVIEW_EDGE = 160;  // px of the longer side: twice the 80 px box the preview is shown in

export function setUpComposePhotos(config, { announce }) {
  const limits = config.photos;
  const list = document.getElementById('photo-drafts');
  const input = document.getElementById('photo-input');
  const add = document.getElementById('photo-add-button');
  const problem = document.getElementById('error-photo');
  let drafts = [];
  let counter = 0;

  // "850 KB", "3,2 MB": units as both languages write them, numbers in the page's language.
  const size = (bytes) => (bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(config.language)} KB`
    : `${(bytes / (1024 * 1024)).toLocaleString(config.language, { maximumFractionDigits: 1 })} MB`);
  const limitText = () => interpolate(
    ngettext('A suggestion can have at most %(max)s photo.', 'A suggestion can have at most %(max)s photos.', limits.max),
    { max: limits.max },
  );

  function number() {
    drafts.forEach((draft, i) => {
      const values = { number: i + 1, name: draft.file.name, size: size(draft.file.size) };
      draft.name.textContent = interpolate(gettext('Photo %(number)s: %(name)s (%(size)s)'), values);
      draft.label.textContent = interpolate(gettext('Description of photo %(number)s (required)'), values);
      draft.remove.textContent = interpolate(gettext('Remove photo %(number)s'), values);
    });
    add.hidden = drafts.length >= limits.max;
    add.textContent = drafts.length ? gettext('Add another photo') : gettext('Add a photo');
  }

  function setError(draft, message, { onDescription }) {
    draft.error.textContent = message;
    draft.item.classList.toggle('photo-draft--refused', Boolean(message));
    if (message && onDescription) draft.alt.setAttribute('aria-invalid', 'true');
    else draft.alt.removeAttribute('aria-invalid');
  }

  function build(file) {
    counter += 1;
    const id = `photo-draft-${counter}`;
    const item = element('li', 'photo-draft');
    const preview = element('div', 'photo-draft-preview');
    preview.setAttribute('aria-hidden', 'true');  // the person's own photo: its name and description say it
    const fields = element('div', 'photo-draft-fields');
    const name = element('p', 'photo-draft-name');
    const label = element('label');
    label.htmlFor = `${id}-alt`;
    const alt = element('input');
    Object.assign(alt, { type: 'text', id: `${id}-alt`, name: 'alt', maxLength: limits.altMax, required: true, autocomplete: 'off' });
    alt.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
    alt.dataset.errorSlot = `${id}-error`;  // compose.js finds the message of a refused field here
    const hint = element('p', 'hint', gettext('What it shows, in a few words, for people who cannot see it.'));
    hint.id = `${id}-hint`;
    const error = element('p', 'field-error');
    error.id = `${id}-error`;
    error.setAttribute('role', 'alert');
    const remove = element('button', 'button button--secondary button--small photo-draft-remove');
    remove.type = 'button';
    fields.append(name, label, alt, hint, error, remove);
    item.append(preview, fields);
    const draft = { file, item, preview, name, label, alt, error, remove };
    remove.addEventListener('click', () => drop(draft));
    alt.addEventListener('input', () => {
      if (alt.value.trim() && alt.getAttribute('aria-invalid')) setError(draft, '', { onDescription: true });
    });
    return draft;
  }

  // A small copy drawn on a canvas: no object URL (our CSP allows no blob: images) and no 12-megapixel
  // image kept in the page. Browsers that cannot decode the file (HEIC outside Safari) show its name only.
  async function drawPreview(draft) {
    draft.preview.replaceChildren(element('span', 'photo-draft-nopreview', '…'));
    try {
      const bitmap = await createImageBitmap(draft.file);
      const scale = Math.min(1, PREVIEW_EDGE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      draft.preview.replaceChildren(canvas);
    } catch {
      draft.preview.replaceChildren(element('span', 'photo-draft-nopreview', gettext('No preview')));
    }
  }

  // One chosen file: refused here when the server would refuse it for its count, size or type.
  function take(file) {
    if (drafts.length >= limits.max) {
      problem.textContent = limitText();
      return false;
    }
    if (file.type && !limits.types.includes(file.type)) {
      problem.textContent = interpolate(
        gettext('“%(name)s” is not a photo we can accept. Please choose a JPEG, PNG, WebP or HEIC image.'), { name: file.name },
      );
      return true;
    }
    if (file.size > limits.maxBytes) {
      problem.textContent = interpolate(
        gettext('“%(name)s” is too large: at most %(mb)s MB.'), { name: file.name, mb: Math.floor(limits.maxBytes / (1024 * 1024)) },
      );
      return true;
    }
    const draft = build(file);
    drafts.push(draft);
    list.append(draft.item);
    drawPreview(draft);
    return true;
  }

  function drop(draft) {
    const at = drafts.indexOf(draft);
    if (at === -1) return;
    drafts.splice(at, 1);
    draft.item.remove();
    problem.textContent = '';
    number();
    announce(gettext('Photo removed.'));
    const next = drafts[at] || drafts[at - 1];
    (next ? next.remove : add).focus();
  }

  add.addEventListener('click', () => {
    problem.textContent = '';
    input.click();
  });
  input.addEventListener('change', () => {
    const files = [...input.files];
    input.value = '';  // the same file chosen again (after removing it) is a change again
    const before = drafts.length;
    for (const file of files) {
      if (!take(file)) break;
    }
    number();
    if (drafts.length > before) {
      // Its description is what to do next: the keyboard is there, and a screen reader hears the photo's name.
      drafts[before].alt.focus();
      announce(interpolate(
        ngettext('%(count)s photo added. Please describe it.', '%(count)s photos added. Please describe each.', drafts.length - before),
        { count: drafts.length - before },
      ));
    } else if (problem.textContent) {
      add.focus();
    }
  });

  return {
    get count() { return drafts.length; },
    // The files with their descriptions, in order: the form's `photo` and `alt` fields.
    entries: () => drafts.map((draft) => ({ file: draft.file, alt: draft.alt.value })),
    // The server's rule, said before sending: a description for each photo. The first one missing, or null.
    missingDescription() {
      let first = null;
      for (const draft of drafts) {
        if (draft.alt.value.trim()) continue;
        setError(draft, gettext('Please describe each photo in a few words, for people who cannot see it.'), { onDescription: true });
        first = first || draft.alt;
      }
      return first;
    },
    // A refusal of the photo at `index`: its message at the photo (at its description when that is what was
    // refused). Returns the control to move to, or null when there is no such photo.
    showError(index, message, { onDescription }) {
      const draft = drafts[index];
      if (!draft) return null;
      setError(draft, message, { onDescription });
      return onDescription ? draft.alt : draft.remove;
    },
    nameOf(index) {
      return drafts[index] ? drafts[index].name.textContent : '';
    },
    showProblem(message) {
      problem.textContent = message;
    },
    clearErrors() {
      problem.textContent = '';
      for (const draft of drafts) setError(draft, '', { onDescription: false });
    },
    clear() {
      drafts = [];
      list.replaceChildren();
      problem.textContent = '';
      number();
    },
  };
}
