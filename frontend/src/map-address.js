// The map page's address keeps what the map shows, so that a copied or shared link opens the same: the view
// (`map=<zoom>/<lat>/<lon>`, as openstreetmap.org writes it), the filters (`category=<key>,<key>`, where not all
// are chosen; `category=` for none; `status=<status>`; `sort=supported`) and the selected suggestion
// (`suggestion=<id>`). It is written with history.replaceState once the map has settled (debounced): moving
// around adds no history entries. Other parameters in the address are kept as they are.
//
// Read on load, every value is checked against what the page offers: a zoom the map cannot show, a place far
// from the project, an unknown category or status, a suggestion number that is not a number are ignored one
// by one, and the page starts with the project's own view and filters for what is ignored. Nothing read here
// reaches the page but through the map's view, the form's own controls and a number.

const MIN_ZOOM = 1;
const MAX_ZOOM = 19;
const WRITE_DELAY = 400;  // ms after the last change
const MAX_ID = Number.MAX_SAFE_INTEGER;

function finite(text) {
  // Plain decimal numbers only: no "1e5", "0x10", "Infinity" or spaces.
  if (!/^-?\d{1,3}(\.\d{1,10})?$/.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

// The view in `map=zoom/lat/lon`, or null when it is not one the map can show near the project: anything
// beyond the project area's bounds padded by their own size on every side is not a view of this project.
export function readView(params, areaBounds) {
  const raw = params.get('map');
  if (raw === null) return null;
  const parts = raw.split('/');
  if (parts.length !== 3) return null;
  const [zoom, lat, lon] = parts.map(finite);
  if (zoom === null || lat === null || lon === null) return null;
  if (zoom < MIN_ZOOM || zoom > MAX_ZOOM || lat < -85 || lat > 85 || lon < -180 || lon > 180) return null;
  if (areaBounds && !areaBounds.pad(1).contains([lat, lon])) return null;
  return { zoom, center: [lat, lon] };
}

// The categories to show: a list of known keys, [] for none, null for "as the page has them" (all).
export function readCategories(params, known) {
  const raw = params.get('category');
  if (raw === null) return null;
  if (raw === '') return [];
  const keys = raw.split(',').filter((key) => known.includes(key));
  return keys.length ? [...new Set(keys)] : null;
}

// One of a select's own option values, or null.
export function readChoice(params, name, select) {
  const raw = params.get(name);
  if (raw === null || !select) return null;
  return [...select.options].some((option) => option.value === raw) ? raw : null;
}

export function readSuggestion(params) {
  const raw = params.get('suggestion');
  if (raw === null || !/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= MAX_ID ? id : null;
}

// Apply what the address says to the filter form before the first load. Returns the selected suggestion's
// id (the map selects it once its first answer is drawn), or null.
export function restoreFilters(params, filters) {
  const boxes = [...filters.querySelectorAll('input[name=category]')];
  const chosen = readCategories(params, boxes.map((box) => box.value));
  if (chosen !== null) for (const box of boxes) box.checked = chosen.includes(box.value);
  for (const name of ['status', 'sort']) {
    const value = readChoice(params, name, filters.elements[name]);
    if (value !== null) filters.elements[name].value = value;
  }
  return readSuggestion(params);
}

// The address of the page as it is now: the page's own address with the map's parameters in it.
export function currentAddress(map, filters, selectedId) {
  const url = new URL(window.location.href);
  url.hash = '';
  const params = url.searchParams;
  const zoom = map.getZoom();
  const centre = map.getCenter();
  // About a pixel's precision at this zoom: 5 decimals at street level, fewer further out.
  const digits = Math.max(2, Math.min(6, Math.ceil(zoom / 3.3)));
  params.set('map', `${Number(zoom.toFixed(1))}/${centre.lat.toFixed(digits)}/${centre.lng.toFixed(digits)}`);
  const boxes = [...filters.querySelectorAll('input[name=category]')];
  const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
  if (chosen.length === boxes.length) params.delete('category'); else params.set('category', chosen.join(','));
  for (const name of ['status', 'sort']) {
    const select = filters.elements[name];
    // The first option is the page's default ("All", "Newest first").
    if (!select || select.selectedIndex <= 0) params.delete(name); else params.set(name, select.value);
  }
  if (selectedId) params.set('suggestion', String(selectedId)); else params.delete('suggestion');
  // "/" and "," may stand in a query as they are (RFC 3986) and read the same: a link people can read.
  url.search = params.toString().replace(/%2F/gi, '/').replace(/%2C/gi, ',');
  return url.toString();
}

// Keep the address up to date: `changed()` after each move, filter change or (de)selection.
export function addressKeeper(map, filters, selected) {
  let timer = null;
  function write() {
    timer = null;
    const address = currentAddress(map, filters, selected());
    if (address !== window.location.href) window.history.replaceState(window.history.state, '', address);
    // Switching the language comes back to this map, not to the one the page was loaded with.
    const back = document.querySelector('.language-form input[name=next]');
    if (back) back.value = window.location.pathname + window.location.search;
    document.body.dataset.addressWritten = String(Number(document.body.dataset.addressWritten || 0) + 1);
  }
  return {
    changed() {
      window.clearTimeout(timer);
      timer = window.setTimeout(write, WRITE_DELAY);
    },
    now: () => currentAddress(map, filters, selected()),
  };
}
