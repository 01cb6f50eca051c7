// A share button (the map's current view, a suggestion's page): the device's own share sheet where it has one
// (the Web Share API, mostly phones), else the link is copied to the clipboard and "Link copied" is shown and
// said (the status line is a polite live region). Where the clipboard is refused (an insecure origin, a
// denied permission) the link appears in a text field, selected, to copy by hand.
//
// The markup is the page's (participation/includes/share.html): a button, its status line and the hidden
// field; `link()` gives the address at the moment of the press.
import { gettext } from './i18n.js';

export function setUpShare(root, { link, title, text = '' }) {
  if (!root) return null;
  const button = root.querySelector('.share-button');
  const status = root.querySelector('.share-status');
  const fallback = root.querySelector('.share-fallback');
  const field = root.querySelector('.share-field');
  let clearing = null;

  function say(message) {
    window.clearTimeout(clearing);
    status.textContent = '';
    // Set after a moment, so that the same message again is read again.
    window.setTimeout(() => { status.textContent = message; }, 50);
    clearing = window.setTimeout(() => { status.textContent = ''; }, 8000);
  }

  function offerField(url) {
    field.value = url;
    fallback.hidden = false;
    field.focus();
    field.select();
    say(gettext('Copying was not allowed: copy the link from the field.'));
  }

  async function share() {
    const url = link();
    fallback.hidden = true;
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: title(), text: text ? text() : '', url });
        return;
      } catch (error) {
        // Closed by the person: nothing to do. Refused otherwise (no user activation, a data type): copy.
        if (error && error.name === 'AbortError') return;
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      say(gettext('Link copied'));
    } catch {
      offerField(url);
    }
  }

  button.addEventListener('click', share);
  root.hidden = false;
  return { share };
}
