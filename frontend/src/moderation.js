// The moderation queue: a small, still map per item, and keyboard shortcuts for the common decisions.
// Every shortcut presses a real button of the item's plain HTML form, so the page works the same with Tab
// and Enter, and without this script at all. User text never passes through here.
import L from 'leaflet';
import './moderation.css';
import { paintSwatches } from './dom.js';
import { gettext, interpolate } from './i18n.js';
import { setUpBlur } from './blur.js';

const config = JSON.parse(document.getElementById('queue-config').textContent);
paintSwatches();

// ------------------------------------------------------------------------------------------ maps
// Pictures, not widgets: no dragging, zooming or focus stops, so Tab goes from form to form.
function drawMap(container) {
  const entry = config.items[container.dataset.key];
  if (!entry) return;
  const map = L.map(container, {
    dragging: false, touchZoom: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false,
    keyboard: false, zoomControl: false, attributionControl: Boolean(config.tileUrl), maxZoom: 19,
  });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    container.classList.add('map--no-tiles');
  }
  L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
  const shape = L.geoJSON(entry.geometry, {
    style: { color: entry.colour, weight: 5, opacity: 0.9 },
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
      radius: 8, color: '#ffffff', weight: 3, fillColor: entry.colour, fillOpacity: 1,
    }),
    interactive: false,
  }).addTo(map);
  if (entry.geometry.type === 'Point') {
    map.setView(shape.getBounds().getCenter(), 15);
  } else {
    map.fitBounds(shape.getBounds(), { padding: [12, 12], maxZoom: 17 });
  }
  container.dataset.drawn = 'true';
}

const containers = [...document.querySelectorAll('.queue-map[data-key]')];
if ('IntersectionObserver' in window) {
  // Up to 50 maps: each is drawn when it comes near the screen.
  const observer = new IntersectionObserver((entries) => {
    for (const seen of entries) {
      if (!seen.isIntersecting) continue;
      observer.unobserve(seen.target);
      drawMap(seen.target);
    }
  }, { rootMargin: '400px 0px' });
  containers.forEach((container) => observer.observe(container));
} else {
  containers.forEach(drawMap);
}

setUpBlur();

// ------------------------------------------------------------------------------------------ keyboard
const items = [...document.querySelectorAll('.queue-item')];
const status = document.createElement('p');
status.className = 'visually-hidden';
status.setAttribute('role', 'status');
document.body.append(status);
let current = null;

function announce(text) {
  status.textContent = '';
  window.setTimeout(() => { status.textContent = text; }, 50);
}

// Items are taller than a phone's screen: moving to one shows its top, where its title and checkbox are.
function focusItem(item, { scroll = true } = {}) {
  if (!item) return;
  current = item;
  for (const other of items) other.classList.toggle('queue-item--current', other === item);
  item.focus({ preventScroll: true });
  if (scroll) item.scrollIntoView({ block: 'start' });
}

// The item a shortcut acts on: the one holding the focus, else the last one moved to.
function activeItem() {
  return document.activeElement?.closest?.('.queue-item') || current;
}

function typing(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
    && !(target instanceof HTMLInputElement && ['checkbox', 'radio', 'submit', 'button'].includes(target.type));
}

function press(item, key) {
  const button = item?.querySelector(`button[data-shortcut="${key}"]`);
  if (!button) {
    announce(gettext('This decision is not offered for this item.'));
    return;
  }
  button.form.requestSubmit(button);
}

function move(step) {
  const at = items.indexOf(activeItem());
  const next = items[at === -1 ? 0 : Math.min(Math.max(at + step, 0), items.length - 1)];
  focusItem(next);
  if (next) announce(interpolate(gettext('Item %(number)s of %(count)s'), { number: items.indexOf(next) + 1, count: items.length }));
}

document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
  if (typing(event.target) || document.querySelector('dialog[open]')) return;  // the blur dialog has its own keys
  const item = activeItem();
  switch (event.key) {
    case 'j': case 'ArrowDown': move(1); break;
    case 'k': case 'ArrowUp': move(-1); break;
    case 'a': case 'h': case 'u': press(item, event.key); break;
    case 'r': {
      const reason = item?.querySelector('textarea[data-reason]');
      if (!reason) return;
      reason.focus();
      break;
    }
    case 'x': {
      const box = item?.querySelector('input[data-select]');
      if (!box) return;
      box.checked = !box.checked;
      announce(box.checked ? gettext('Selected for a bulk decision.') : gettext('No longer selected.'));
      break;
    }
    case '?': {
      const help = document.getElementById('shortcuts');
      help.classList.add('shortcuts--shown');
      help.focus();
      help.scrollIntoView({ block: 'nearest' });
      break;
    }
    case 'Escape': {
      if (document.activeElement?.id === 'shortcuts' && current) focusItem(current);
      return;
    }
    default: return;
  }
  event.preventDefault();
});

// In an item's reason field Enter decides (rejects what waits, hides what was reported); Shift+Enter adds
// a line, Escape goes back to the item.
for (const reason of document.querySelectorAll('textarea[data-reason]')) {
  reason.addEventListener('keydown', (event) => {
    const item = reason.closest('.queue-item');
    if (event.key === 'Escape') {
      event.preventDefault();
      focusItem(item);
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    const button = reason.form.querySelector(`button[value="${reason.dataset.enterAction}"]`);
    if (!button) return;
    event.preventDefault();
    reason.form.requestSubmit(button);
  });
}

// Where the moderator was: the item named in the address (after a decision, the next one), else the first.
document.addEventListener('focusin', (event) => {
  const item = event.target.closest?.('.queue-item');
  if (item && item !== current) {
    current = item;
    for (const other of items) other.classList.toggle('queue-item--current', other === item);
  }
});
const start = window.location.hash.startsWith('#item-') ? document.getElementById(window.location.hash.slice(1)) : null;
const failed = document.querySelector('.queue-item .item-error');
const bulkFailed = document.getElementById('bulk-error');

// A refused decision: the message and the field to put right come into view, and typing goes there (the
// reason stays as it was typed; Enter decides again). Done after the browser has gone to the address's
// #item-… anchor, which focuses the item and scrolls its top into view (without script, that is all).
function showRefusal() {
  if (failed) {
    const item = failed.closest('.queue-item');
    focusItem(item, { scroll: false });
    const field = item.querySelector('[aria-invalid=true]') || item.querySelector('textarea[data-reason]');
    if (field) field.focus({ preventScroll: true });
    failed.scrollIntoView({ block: 'center' });
  } else {
    document.getElementById('bulk-reason').focus({ preventScroll: true });
    bulkFailed.scrollIntoView({ block: 'center' });
  }
  document.body.dataset.moderation = 'ready';
}

if (failed || bulkFailed) {
  const later = () => window.requestAnimationFrame(() => window.setTimeout(showRefusal, 0));
  if (document.readyState === 'complete') later();
  else window.addEventListener('load', later, { once: true });
} else {
  if (start) {
    focusItem(start);
  } else if (items.length && !document.querySelector('.messages .message--error, .notice--error')) {
    focusItem(items[0], { scroll: false });  // arriving: the counts and the help stay in view
  }
  document.body.dataset.moderation = 'ready';
}
