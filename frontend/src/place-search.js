// The place search box: a combobox with a list of suggestions (the ARIA 1.2 combobox pattern) over
// /api/v1/projects/<slug>/places/?q=. Type, wait a moment (debounced), arrow down and up through the places
// found, Enter chooses, Escape closes the list (a second Escape empties the box). A polite live region says how
// many places were found. Choosing hands the place to `onChoose` ({kind, label, point: [lon, lat], bbox});
// `placeMover` shows it on a Leaflet map: a street or district whole, an address or place at zoom 18.
// Every text the box shows comes from the catalogue; every label from the server reaches the page as text.
// The module imports no map library: the page hands `placeMover` its own Leaflet (the bundled one on our
// pages, django-leaflet's in the admin, admin-place-search.js), so no page carries two.
import { api } from './api.js';
import { element } from './dom.js';
import { gettext, interpolate, ngettext } from './i18n.js';
import './place-search.css';

const DEBOUNCE_MS = 250;
const MIN_LENGTH = 2;
let instances = 0;

function kindName(kind) {
  return {
    street: gettext('Street'),
    address: gettext('Address'),
    district: gettext('District'),
    place: gettext('Place'),
  }[kind] || '';
}

// `inputId`: the id the input takes where the page has a visible label of its own for it (the admin's field
// label); the box then adds no hidden label of its own.
export function createPlaceSearch(container, { url, onChoose, label, inputId }) {
  instances += 1;
  const id = `place-search-${instances}`;
  container.classList.add('place-search');
  const input = element('input', 'place-search-input');
  Object.assign(input, {
    // The API's limit for a search text (geo/api/places.py): longer is no name of a place.
    id: inputId || `${id}-input`, type: 'search', autocomplete: 'off', spellcheck: false, maxLength: 100,
    placeholder: gettext('Street, address or place'),
  });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', `${id}-list`);
  input.setAttribute('enterkeyhint', 'search');
  const list = element('ul', 'place-search-list');
  list.id = `${id}-list`;
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', gettext('Places found'));
  list.hidden = true;
  const status = element('p', 'visually-hidden');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  if (inputId) {
    container.append(input, list, status);
  } else {
    const labelNode = element('label', 'visually-hidden', label || gettext('Find a street, address or place'));
    labelNode.htmlFor = input.id;
    container.append(labelNode, input, list, status);
  }

  let results = [];
  let active = -1;
  let timer = null;
  let request = null;
  let asked = '';

  function say(text) {
    status.textContent = '';
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function open(yes) {
    list.hidden = !yes;
    input.setAttribute('aria-expanded', yes ? 'true' : 'false');
    if (!yes) highlight(-1);
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((option, n) => option.setAttribute('aria-selected', n === index ? 'true' : 'false'));
    if (index >= 0) {
      const option = list.children[index];
      input.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function show(found) {
    results = found;
    list.replaceChildren(...found.map((place, n) => {
      const option = element('li', `place-search-option place-search-option--${place.kind}`);
      option.id = `${id}-option-${n}`;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', 'false');
      option.append(element('span', 'place-search-label', place.label), element('span', 'place-search-kind', kindName(place.kind)));
      // Pressing an option must not take the focus from the box first (the list would close on blur).
      option.addEventListener('mousedown', (event) => event.preventDefault());
      option.addEventListener('click', () => choose(n));
      return option;
    }));
    open(found.length > 0);
    say(found.length
      ? interpolate(ngettext(
        '%(count)s place found. Use the up and down arrow keys to choose.',
        '%(count)s places found. Use the up and down arrow keys to choose.',
        found.length,
      ), { count: found.length })
      : gettext('No place found.'));
  }

  async function lookUp(text) {
    if (request) request.abort();
    request = new AbortController();
    asked = text;
    container.dataset.state = 'loading';
    try {
      const answer = await api(`${url}?${new URLSearchParams({ q: text })}`, { signal: request.signal });
      if (text !== asked) return;
      show(answer.results);
      container.dataset.state = 'done';
    } catch (error) {
      if (error.name === 'AbortError') return;
      results = [];
      list.replaceChildren();
      open(false);
      say(error.message && error.status < 500 ? error.message : gettext('The search is not available right now. Please try again later.'));
      container.dataset.state = 'error';
    }
  }

  function choose(index) {
    const place = results[index];
    if (!place) return;
    input.value = place.label;
    open(false);
    if (timer) window.clearTimeout(timer);
    asked = place.label;
    onChoose(place);
  }

  input.addEventListener('input', () => {
    if (timer) window.clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < MIN_LENGTH) {
      if (request) request.abort();
      asked = '';
      results = [];
      list.replaceChildren();
      open(false);
      return;
    }
    timer = window.setTimeout(() => lookUp(text), DEBOUNCE_MS);
  });

  input.addEventListener('keydown', (event) => {
    const count = results.length;
    switch (event.key) {
      case 'ArrowDown':
        if (!count) return;
        event.preventDefault();
        if (list.hidden) { open(true); highlight(event.altKey ? -1 : 0); return; }
        highlight(active + 1 >= count ? 0 : active + 1);
        break;
      case 'ArrowUp':
        if (!count) return;
        event.preventDefault();
        if (list.hidden) { open(true); highlight(count - 1); return; }
        highlight(active <= 0 ? count - 1 : active - 1);
        break;
      case 'Enter':
        // Enter takes the highlighted place, or the first one: the box is no form to send.
        event.preventDefault();
        if (!list.hidden && count) choose(active >= 0 ? active : 0);
        break;
      case 'Escape':
        if (!list.hidden) {
          event.preventDefault();
          open(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = '';
          results = [];
          list.replaceChildren();
        }
        break;
      default:
    }
  });
  input.addEventListener('blur', () => open(false));

  // `say`: the box's live region, for the page to tell what the choice did.
  return { input, choose, say };
}

// Show a chosen place on a Leaflet map: a street or district whole, an address or a place at zoom 18, with a
// ring at its point until the next choice. `L` is the Leaflet the map was made with.
export function placeMover(map, L) {
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  let ring = null;
  return (place) => {
    const [lon, lat] = place.point;
    const box = place.bbox;
    if (box && (box[2] - box[0] > 1e-6 || box[3] - box[1] > 1e-6)) {
      map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { maxZoom: 18, padding: [24, 24], animate: !still });
    } else {
      map.setView([lat, lon], 18, { animate: !still });
    }
    if (ring) ring.remove();
    ring = L.circleMarker([lat, lon], { radius: 12, className: 'place-search-ring', interactive: false }).addTo(map);
  };
}
