// The moderation queue's blur dialog: mark rectangles on a photo, with the pointer (drag) or the keyboard
// ("Add region", arrow keys move, Shift + arrow keys resize, Delete removes), then post them to the server,
// which blurs the stored photo. Regions travel as fractions of the photo (x, y, w, h in 0..1), so the size
// the photo is shown at does not matter. Text from users (the photo's description) only goes through
// textContent and attributes.
import './blur.css';
import { gettext, interpolate } from './i18n.js';

const MAX_REGIONS = 10;
const STEP = 0.01; // an arrow key moves or resizes by 1 % of the photo, with Alt by 5 %
const BIG_STEP = 0.05;
const MIN_SIZE = 0.01; // a drag smaller than this is a click, not a region
const NEW_SIZE = 0.2;

export function setUpBlur() {
  const dialog = document.getElementById('blur-dialog');
  if (!dialog || typeof dialog.showModal !== 'function') return;
  const form = document.getElementById('blur-form');
  const stage = document.getElementById('blur-stage');
  const image = document.getElementById('blur-image');
  const list = document.getElementById('blur-regions');
  const error = document.getElementById('blur-error');
  const status = document.getElementById('blur-status');
  const apply = document.getElementById('blur-apply');
  let regions = [];
  let opener = null;
  let drawing = null;

  const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
  const percent = (value) => `${Math.round(value * 100)} %`;

  function say(text) {
    status.textContent = '';
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function describe(region, index) {
    return interpolate(gettext('Region %(number)s: from the left %(x)s, from the top %(y)s, width %(w)s, height %(h)s'), {
      number: index + 1, x: percent(region.x), y: percent(region.y), w: percent(region.w), h: percent(region.h),
    });
  }

  function showError(text) {
    error.textContent = text;
    error.hidden = !text;
  }

  // Every region as a box over the photo (focusable: the keyboard's handle) and as a line of the list below
  // (with a button to take it away again). Drawn again after each change; the focus stays where it was.
  function render(focusIndex = null) {
    for (const box of stage.querySelectorAll('.blur-box')) box.remove();
    list.replaceChildren();
    regions.forEach((region, index) => {
      const box = document.createElement('div');
      box.className = 'blur-box';
      box.tabIndex = 0;
      box.dataset.index = String(index);
      box.setAttribute('role', 'img');
      box.setAttribute('aria-label', describe(region, index));
      box.style.left = `${region.x * 100}%`;
      box.style.top = `${region.y * 100}%`;
      box.style.width = `${region.w * 100}%`;
      box.style.height = `${region.h * 100}%`;
      const number = document.createElement('span');
      number.className = 'blur-box-number';
      number.textContent = String(index + 1);
      box.append(number);
      stage.append(box);

      const line = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = describe(region, index);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button button--secondary button--small';
      remove.textContent = gettext('Remove region');
      remove.setAttribute('aria-label', interpolate(gettext('Remove region %(number)s'), { number: index + 1 }));
      remove.addEventListener('click', () => removeRegion(index));
      line.append(text, ' ', remove);
      list.append(line);
    });
    apply.disabled = regions.length === 0;
    if (focusIndex !== null) stage.querySelector(`.blur-box[data-index="${focusIndex}"]`)?.focus();
  }

  function addRegion(region) {
    if (regions.length >= MAX_REGIONS) {
      showError(interpolate(gettext('At most %(max)s regions at once.'), { max: MAX_REGIONS }));
      return false;
    }
    regions.push(region);
    showError('');
    render(regions.length - 1);
    say(describe(region, regions.length - 1));
    return true;
  }

  function removeRegion(index) {
    regions.splice(index, 1);
    render(regions.length ? Math.min(index, regions.length - 1) : null);
    if (!regions.length) document.getElementById('blur-add').focus();
    say(gettext('Region removed.'));
  }

  // ------------------------------------------------------------------------------------------ pointer
  function fraction(event) {
    const rect = image.getBoundingClientRect();
    return {
      x: clamp((event.clientX - rect.left) / rect.width, 0, 1),
      y: clamp((event.clientY - rect.top) / rect.height, 0, 1),
    };
  }

  stage.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || event.target.closest('.blur-box')) return;
    event.preventDefault();
    stage.setPointerCapture(event.pointerId);
    const start = fraction(event);
    const box = document.createElement('div');
    box.className = 'blur-box blur-box--drawing';
    stage.append(box);
    drawing = { start, box, region: { x: start.x, y: start.y, w: 0, h: 0 } };
  });

  stage.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const at = fraction(event);
    const region = {
      x: Math.min(at.x, drawing.start.x),
      y: Math.min(at.y, drawing.start.y),
      w: Math.abs(at.x - drawing.start.x),
      h: Math.abs(at.y - drawing.start.y),
    };
    drawing.region = region;
    Object.assign(drawing.box.style, {
      left: `${region.x * 100}%`, top: `${region.y * 100}%`, width: `${region.w * 100}%`, height: `${region.h * 100}%`,
    });
  });

  function endDrawing() {
    if (!drawing) return;
    const { box, region } = drawing;
    drawing = null;
    box.remove();
    if (region.w >= MIN_SIZE && region.h >= MIN_SIZE) addRegion(region);
  }
  stage.addEventListener('pointerup', endDrawing);
  stage.addEventListener('pointercancel', () => { drawing?.box.remove(); drawing = null; });

  // ----------------------------------------------------------------------------------------- keyboard
  stage.addEventListener('keydown', (event) => {
    const box = event.target.closest?.('.blur-box');
    if (!box) return;
    const index = Number(box.dataset.index);
    const region = { ...regions[index] };
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      removeRegion(index);
      return;
    }
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const step = event.altKey ? BIG_STEP : STEP;
    if (event.shiftKey) {
      region.w = clamp(region.w + move[0] * step, MIN_SIZE, 1 - region.x);
      region.h = clamp(region.h + move[1] * step, MIN_SIZE, 1 - region.y);
    } else {
      region.x = clamp(region.x + move[0] * step, 0, 1 - region.w);
      region.y = clamp(region.y + move[1] * step, 0, 1 - region.h);
    }
    regions[index] = region;
    render(index);
    say(describe(region, index));
  });

  document.getElementById('blur-add').addEventListener('click', () => {
    const offset = (regions.length % 4) * 0.05;
    addRegion({ x: 0.4 - offset, y: 0.4 - offset, w: NEW_SIZE, h: NEW_SIZE });
  });
  document.getElementById('blur-cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => { opener?.focus(); });

  // -------------------------------------------------------------------------------------------- send
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!regions.length) {
      showError(gettext('Please mark at least one region of the photo to blur.'));
      return;
    }
    form.elements.namedItem('regions').value = JSON.stringify(regions);
    apply.disabled = true;
    apply.setAttribute('aria-busy', 'true');
    showError('');
    say(gettext('Blurring…'));
    try {
      const response = await fetch(form.action, {
        method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { Accept: 'application/json' },
      });
      const data = await response.json().catch(() => null);
      if (response.ok && data && data.location) {
        // The queue again, at the item: the photo shows under its new key (and the message on top).
        const target = new URL(data.location, window.location.href);
        if (target.pathname + target.search === window.location.pathname + window.location.search) {
          window.history.scrollRestoration = 'manual';  // to the item, not back where the page was
          window.location.hash = target.hash;
          window.location.reload();
        } else {
          window.location.assign(target.href);
        }
        return;
      }
      showError((data && data.message) || gettext('The photo could not be blurred. Please try again.'));
    } catch {
      showError(gettext('The photo could not be blurred. Please check the connection and try again.'));
    }
    apply.disabled = false;
    apply.removeAttribute('aria-busy');
  });

  function open(button) {
    opener = button;
    // namedItem: `elements.item` would be the collection's own item() method, not the field.
    const field = (name) => form.elements.namedItem(name);
    field('key').value = button.dataset.key;
    field('item').value = button.dataset.item;
    field('versions').value = button.dataset.versions || '';
    field('seen_state').value = button.dataset.seenState;
    field('seen_event').value = button.dataset.seenEvent;
    image.src = button.dataset.src;
    image.alt = button.dataset.alt;
    image.width = Number(button.dataset.width);
    image.height = Number(button.dataset.height);
    regions = [];
    showError('');
    render();
    dialog.showModal();
  }

  for (const button of document.querySelectorAll('button[data-blur]')) {
    button.hidden = false;
    button.addEventListener('click', () => open(button));
  }
}
