// The public project map: the project area, what /map/ returns for the viewport (clusters or suggestions),
// the list beside it (its keyboard and screen-reader alternative), filters, one selected suggestion shared by
// map and list, the bottom sheet on phones, and the new-suggestion flow (loaded when it starts).
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import markerIcon from 'leaflet/dist/images/marker-icon.png';
import markerIcon2x from 'leaflet/dist/images/marker-icon-2x.png';
import markerShadow from 'leaflet/dist/images/marker-shadow.png';
import './map.css';
import { api } from './api.js';
import { element, paintSwatches } from './dom.js';
import { gettext, interpolate, ngettext } from './i18n.js';
import { addContextLayers } from './context-layers.js';
import { createSuggestionLayers } from './layers.js';
import { createList } from './list.js';
import { createPlaceSearch, placeMover } from './place-search.js';
import { setUpComposeStart } from './compose-start.js';
import { createSelection } from './selection.js';
import { createSheet } from './sheet.js';
import { addressKeeper, readView, restoreFilters } from './map-address.js';
import { setUpShare } from './share.js';

// Bundled Leaflet cannot find its default pin images by itself; Geoman's point tool uses them.
delete L.Icon.Default.prototype._getIconUrl;
L.Icon.Default.mergeOptions({ iconUrl: markerIcon, iconRetinaUrl: markerIcon2x, shadowUrl: markerShadow });

const config = JSON.parse(document.getElementById('map-config').textContent);
const statusLine = document.getElementById('map-status');
const filters = document.getElementById('filters');

// Less motion for those who ask for it: no zoom, fade or pan animations.
const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
// A shared link's view, filters and suggestion (map-address.js); what it lacks or gets wrong is the project's.
const linked = new URLSearchParams(window.location.search);
const linkedView = readView(linked, L.geoJSON(config.area).getBounds());
const linkedSuggestion = restoreFilters(linked, filters);
const map = L.map('map', {
  zoomSnap: 0.5, keyboard: true, maxZoom: 19, zoomControl: false,
  zoomAnimation: !still, fadeAnimation: !still, markerZoomAnimation: !still, inertia: !still,
})
  .setView(linkedView ? linkedView.center : [config.center[1], config.center[0]], linkedView ? linkedView.zoom : config.zoom);
L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
// For debugging in the console and for browser tests (which click canvas shapes by position).
window.participationMap = map;
// On phones the bottom sheet covers the map's foot: the attribution moves to its head.
if (window.matchMedia('(max-width: 720px)').matches) map.attributionControl.setPosition('topright');
// Imprint and privacy statement in the credits, which stay in view at every size: the footer's own links
// (at the end of the list, frontend/includes/footer.html), built again as DOM nodes, then handed to Leaflet
// as the HTML it takes.
for (const kind of ['imprint', 'privacy']) {
  const footerLink = document.querySelector(`.site-footer a[data-legal="${kind}"]`);
  if (!footerLink) continue;
  const link = element('a', null, footerLink.textContent);
  link.setAttribute('href', footerLink.getAttribute('href'));
  map.attributionControl.addAttribution(link.outerHTML);
}
if (config.tileUrl) {
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
} else {
  map.getContainer().classList.add('map--no-tiles');
}

// Grey out the world outside the project area so its outline reads on any background.
const world = [[90, -360], [90, 360], [-90, 360], [-90, -360]];
const areaRings = [];
L.geoJSON(config.area).eachLayer((layer) => {
  for (const polygon of layer.getLatLngs()) areaRings.push(Array.isArray(polygon[0]) ? polygon[0] : polygon);
});
L.polygon([world, ...areaRings], { className: 'project-mask', interactive: false, stroke: false }).addTo(map);
L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
paintSwatches();

// Polite announcements: what got selected, what got placed. Cleared first so a repeat is read again.
const announcer = document.getElementById('map-announcer');
function announce(text) {
  announcer.textContent = '';
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

// A move made to show a selected suggestion reloads the map but not the list, whose entry keeps its focus.
let listStays = false;
const keepList = () => { listStays = true; };
map.on('autopanstart', keepList);

const sheet = createSheet(map);
let selection = null;
const select = (id, options) => selection.select(id, options);
const layers = createSuggestionLayers(map, config, { onSelect: select });
const list = createList(config, { onSelect: select });
// The address follows the view, the filters and the selected suggestion (whose popup is open).
let selectedId = null;
const address = addressKeeper(map, filters, () => selectedId);
const selectionChanged = (id) => {
  selectedId = id;
  address.changed();
};
selection = createSelection(map, config, { layers, list, announce, sheet, keepList, onChange: selectionChanged });

function bbox() {
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  return [
    clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90),
  ].map((v) => v.toFixed(6)).join(',');
}

function chosenCategories() {
  const boxes = [...filters.querySelectorAll('input[name=category]')];
  const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
  return chosen.length === boxes.length ? null : chosen;
}

let mapRequest = null;

function shown(count) {
  return interpolate(ngettext(
    '%(count)s suggestion shown in this map section.', '%(count)s suggestions shown in this map section.', count,
  ), { count });
}

async function loadMap() {
  if (mapRequest) mapRequest.abort();
  mapRequest = new AbortController();
  const query = new URLSearchParams({ bbox: bbox(), zoom: String(Math.round(map.getZoom())) });
  const categories = chosenCategories();
  if (categories !== null && categories.length === 0) {
    layers.show({ mode: 'features', features: [] });
    statusLine.textContent = shown(0);
    document.body.dataset.featuresLoaded = '0';
    return;
  }
  if (categories) query.set('category', categories.join(','));
  if (filters.elements.status.value) query.set('status', filters.elements.status.value);
  try {
    const collection = await api(`${config.urls.map}?${query}`, { signal: mapRequest.signal });
    layers.show(collection);
    selection.redrawn();
    // For `make bench` (benchmarks/page_scenario.py): the first answer is drawn once Leaflet's canvas has
    // painted, which it does in the next animation frame.
    if (!performance.getEntriesByName('map:first-features').length) {
      requestAnimationFrame(() => performance.mark('map:first-features'));
    }
    const count = collection.mode === 'clusters' ? collection.total : collection.features.length;
    if (collection.mode === 'clusters') {
      statusLine.textContent = interpolate(ngettext(
        '%(count)s suggestion in this map section. Zoom in to see it.',
        '%(count)s suggestions in this map section. Zoom in to see them one by one.',
        count,
      ), { count });
    } else if (collection.truncated) {
      statusLine.textContent = interpolate(gettext('Showing the first %(count)s suggestions here; zoom in to see all.'), { count });
    } else {
      statusLine.textContent = shown(count);
    }
    // Clusters have no status dimension: with a status filter they count every status, and say so.
    if (collection.status_applied === false) statusLine.textContent += ` ${gettext('Too many suggestions of this status to show one by one here: the clusters count every status. Zoom in to see only the chosen status.')}`;
    document.body.dataset.mapMode = collection.mode;
    document.body.dataset.featuresLoaded = String(collection.features.length);
  } catch (error) {
    if (error.name === 'AbortError') return;
    statusLine.textContent = gettext('The suggestions could not be loaded. Please try again later.');
    document.body.dataset.featuresLoaded = 'error';
  }
}

function loadList() {
  const query = new URLSearchParams({ sort: filters.elements.sort.value });
  const mine = filters.elements.mine && filters.elements.mine.checked;
  if (mine) {
    query.set('mine', 'true');  // all of my suggestions, wherever they are
  } else {
    query.set('bbox', bbox());
  }
  const categories = chosenCategories();
  if (categories !== null && categories.length === 0) return list.clear();
  if (categories) query.set('category', categories.join(','));
  if (filters.elements.status.value) query.set('status', filters.elements.status.value);
  return list.load(query);
}

function refresh() {
  loadList();
  return loadMap();
}

setUpShare(document.getElementById('map-share'), { link: address.now, title: () => document.title });

filters.addEventListener('change', () => {
  refresh();
  address.changed();
});
filters.addEventListener('submit', (event) => event.preventDefault());
map.on('moveend', () => {
  if (listStays) {
    listStays = false;
    loadMap();
  } else {
    refresh();
  }
  address.changed();
});
setUpComposeStart(map, config, { announce, sheet, onCreated: refresh });
// Finding a place by its name, over the map: the map moves there (and, while placing a suggestion, puts the
// place under the crosshair).
const searchBox = document.getElementById('place-search-map');
if (searchBox && config.urls.places) {
  const moveTo = placeMover(map, L);
  // On phones an open sheet would cover the list of places and the place itself: it makes way (not while
  // placing, when it is already down to the "Where?" step).
  const makeWay = () => {
    if (sheet.isNarrow() && sheet.panel.dataset.sheet === 'expanded') sheet.collapse();
  };
  searchBox.addEventListener('focusin', makeWay);
  createPlaceSearch(searchBox, {
    url: config.urls.places,
    onChoose(place) {
      makeWay();
      moveTo(place);
      const placing = document.getElementById('placement');
      announce(placing && !placing.hidden
        ? interpolate(gettext('The map now shows %(place)s, under the crosshair. Press “Place at the crosshair” to put your suggestion there.'), { place: place.label })
        : interpolate(gettext('The map now shows %(place)s.'), { place: place.label }));
    },
  });
}
refresh().then(() => {
  // The linked suggestion, once the map's first answer is drawn: selected where the link's view shows it.
  if (linkedSuggestion !== null) selection.select(linkedSuggestion, { from: 'link', keepView: linkedView !== null });
  // An address with the map's parameters is written back cleaned of what was ignored.
  if (['map', 'category', 'status', 'sort', 'suggestion'].some((name) => linked.has(name))) address.changed();
});
// Existing facilities, districts and the cycle network, under the suggestions (context-layers.js).
addContextLayers(map, config.urls.layers);
