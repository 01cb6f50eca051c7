// Adding a photo to one's own suggestion or comment on its page (participation/includes/photo_add_form.html):
// the form stays hidden without script. Sent to the API with upload progress; the new photo then shows in
// its gallery, marked while it waits for review, and the form goes when there is no room left. A refusal is
// said at the field it concerns, in the page's language (the server's message), keeping what was typed.
import { ApiError, newIdempotencyKey, sendForm } from './api.js';
import { element } from './dom.js';
import { gettext, interpolate, ngettext } from './i18n.js';

export function setUpPhotoForms(root = document) {
  for (const form of root.querySelectorAll('form.photo-add-form')) setUpPhotoForm(form);
}

function setUpPhotoForm(form) {
  const disclosure = form.closest('details');
  (disclosure || form).hidden = false;
  form.hidden = false;
  const file = form.elements.photo;
  const alt = form.elements.alt;
  const fileError = document.getElementById(file.getAttribute('aria-describedby').split(' ')[1]);
  const altError = document.getElementById(alt.getAttribute('aria-describedby').split(' ')[1]);
  const progressBox = form.querySelector('.upload-progress');
  const bar = progressBox.querySelector('progress');
  const status = form.querySelector('.upload-status');
  const button = form.querySelector('button[type=submit]');
  const maxBytes = Number(form.dataset.maxBytes);
  let room = Number(form.dataset.room);
  let sending = false;
  // A lost answer (a dropped connection) lets the author press again: the same file with the same
  // description goes under the same Idempotency-Key and the server answers as the first time instead of
  // adding the photo twice. Another file or description is a new request.
  let lastSent = null;
  function idempotencyKey(chosen) {
    const sent = JSON.stringify([chosen.name, chosen.size, chosen.lastModified, alt.value]);
    if (!lastSent || lastSent.sent !== sent) lastSent = { key: newIdempotencyKey(), sent };
    return lastSent.key;
  }

  function clear() {
    for (const [input, slot] of [[file, fileError], [alt, altError]]) {
      slot.textContent = '';
      input.removeAttribute('aria-invalid');
    }
  }
  function refuse(input, slot, message) {
    slot.textContent = message;
    input.setAttribute('aria-invalid', 'true');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    clear();
    status.textContent = '';
    // The server's rules, said at once: a photo, not too large, with its description.
    const chosen = file.files[0];
    if (!chosen) refuse(file, fileError, gettext('Please choose a photo to send.'));
    else if (chosen.size > maxBytes) {
      refuse(file, fileError, interpolate(gettext('“%(name)s” is too large: at most %(mb)s MB.'), {
        name: chosen.name, mb: Math.floor(maxBytes / (1024 * 1024)),
      }));
    }
    if (!alt.value.trim()) refuse(alt, altError, gettext('Please describe each photo in a few words, for people who cannot see it.'));
    const invalid = form.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
      return;
    }
    const data = new FormData();
    data.append('photo', chosen, chosen.name);
    data.append('alt', alt.value);
    sending = true;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    progressBox.hidden = false;
    bar.value = 0;
    status.textContent = gettext('Sending the photo …');
    try {
      const photo = await sendForm(form.dataset.url, data, {
        idempotencyKey: idempotencyKey(chosen),
        onProgress: (fraction) => { bar.value = Math.round(fraction * 100); },
        onSent: () => {
          bar.removeAttribute('value');
          status.textContent = gettext('Photo sent. It is being prepared …');
        },
      });
      lastSent = null;
      addToGallery(document.getElementById(form.dataset.gallery), photo);
      form.reset();
      room -= 1;
      const done = photo.moderation_state === 'pending'
        ? gettext('Photo added. It will be shown once a moderator has reviewed it.')
        : gettext('Photo added.');
      if (room <= 0) {
        // Nothing more to add here: the form goes, the message stays in the page's live region below it.
        const said = element('p', 'notice notice--success photo-added', done);
        said.setAttribute('role', 'status');
        said.tabIndex = -1;
        (disclosure || form).replaceWith(said);
        said.focus();
        return;
      }
      status.textContent = done;
      const summary = disclosure && disclosure.querySelector('summary');
      if (summary) {
        summary.textContent = interpolate(
          ngettext('Add a photo (room for %(room)s more)', 'Add a photo (room for %(room)s more)', room), { room },
        );
      }
    } catch (failure) {
      if (!(failure instanceof ApiError)) {
        status.textContent = gettext('The photo could not be sent. Please check your connection and try again.');
        return;
      }
      const onDescription = Boolean(failure.fields.alt);
      const [input, slot] = onDescription ? [alt, altError] : [file, fileError];
      refuse(input, slot, failure.message);
      status.textContent = '';
      input.focus();
    } finally {
      sending = false;
      button.disabled = false;
      form.removeAttribute('aria-busy');
      progressBox.hidden = true;
    }
  });
}

// The same markup as participation/includes/photo.html, from the API's answer.
function addToGallery(gallery, photo) {
  if (!gallery) return;
  const item = element('li', photo.moderation_state === 'published' ? 'photo' : `photo photo--${photo.moderation_state}`);
  const figure = element('figure', 'photo-figure');
  const link = element('a', 'photo-link');
  link.href = photo.url;
  const image = element('img');
  const scale = Math.min(1, 800 / Math.max(photo.width, photo.height));  // the medium rendition's size
  Object.assign(image, {
    src: photo.thumbnails.medium, alt: photo.alt,
    width: Math.max(1, Math.round(photo.width * scale)), height: Math.max(1, Math.round(photo.height * scale)),
  });
  link.append(image, element('span', 'visually-hidden', gettext('(full size)')));
  figure.append(link);
  if (photo.moderation_state === 'pending') {
    figure.append(element('figcaption', 'photo-state', gettext('Waiting for review: not shown to others yet.')));
  }
  item.append(figure);
  gallery.append(item);
}
