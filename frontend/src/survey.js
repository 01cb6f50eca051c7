// The survey page. The form works without script; this adds three things:
// - questions with a condition are shown only when one of the options they depend on is chosen (and their
//   inputs are disabled while hidden, so nothing of a hidden question is sent; the server ignores it
//   anyway), and the questions shown are numbered 1, 2, 3 … without a gap for the hidden ones;
// - map questions: a Leaflet map per question with the project area, where Leaflet-Geoman places a point or
//   draws a line exactly as on the project map, and a keyboard alternative (a crosshair in the middle of the
//   map, arrow keys move the map, buttons place there); the drawing goes into the question's hidden field
//   as GeoJSON;
// - the error summary gets the focus, and anonymous forms solve their anti-spam proof before sending.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { nameDrawingMarkers } from './geoman.js';
import pinImage from 'leaflet/dist/images/marker-icon-2x.png';
import './survey.css';
import { gettext, interpolate, ngettext } from './i18n.js';
import { insideArea } from './placement.js';
import { setUpAntiSpam, solveBeforeSubmit } from './anti-spam.js';

const config = JSON.parse(document.getElementById('survey-config').textContent);
const form = document.getElementById('survey-form');

if (config.antiSpam) {
  setUpAntiSpam(config.antiSpam);
  solveBeforeSubmit();
}

const summary = document.getElementById('error-summary');
if (summary) summary.focus();

// ------------------------------------------------------------------------------------------ conditions

const conditional = [...document.querySelectorAll('.question[data-show-if]')];

function chosen(choiceIds) {
  return choiceIds.split(' ').some((choiceId) => {
    const input = form && form.querySelector(`input[type=radio][value="${choiceId}"]`);
    return Boolean(input && input.checked && !input.disabled);
  });
}

// The numbers say where a person is among the questions they are asked: no gap where one is hidden.
function numberShown() {
  let number = 0;
  for (const question of form.querySelectorAll('.question')) {
    const label = question.querySelector('.question-number');
    if (label) label.textContent = question.hidden ? '' : `${++number}.`;
  }
}

function applyConditions() {
  // In page order: a condition names an earlier question, whose own visibility is settled by then.
  for (const question of conditional) {
    const shown = chosen(question.dataset.showIf);
    question.hidden = !shown;
    for (const input of question.querySelectorAll('input, textarea, select, button')) input.disabled = !shown;
    const hint = question.querySelector('.question-condition');
    if (hint) hint.hidden = true;  // the question appears exactly when it applies: no need to say when
  }
  numberShown();
}

if (form && conditional.length) {
  form.addEventListener('change', (event) => {
    if (event.target.type === 'radio') applyConditions();
  });
  applyConditions();
}

// ------------------------------------------------------------------------------------------ map questions

delete L.Icon.Default.prototype._getIconUrl;
const pin = L.divIcon({
  className: 'compose-pin', html: `<img src="${pinImage}" alt="">`, iconSize: [44, 48], iconAnchor: [22, 46],
});
const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
const maps = [];

function setUpMapQuestion(box) {
  const kind = box.dataset.kind === 'map_point' ? 'point' : 'line';
  const name = `q${box.dataset.question}`;
  const input = document.getElementById(`input-${name}`);
  const hint = document.getElementById(`hint-${name}`);
  const button = (action) => box.querySelector(`[data-action=${action}]`);
  box.hidden = false;

  const map = L.map(`map-${name}`, {
    zoomSnap: 0.5, keyboard: true, maxZoom: 19, zoomControl: false, scrollWheelZoom: false,
    zoomAnimation: !still, fadeAnimation: !still, markerZoomAnimation: !still, inertia: !still,
  }).setView([config.center[1], config.center[0]], config.zoom);
  L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    map.getContainer().classList.add('map--no-tiles');
  }
  const world = [[90, -360], [90, 360], [-90, 360], [-90, -360]];
  const rings = [];
  L.geoJSON(config.area).eachLayer((layer) => {
    for (const polygon of layer.getLatLngs()) rings.push(Array.isArray(polygon[0]) ? polygon[0] : polygon);
  });
  L.polygon([world, ...rings], { className: 'project-mask', interactive: false, stroke: false }).addTo(map);
  L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
  map.pm.setLang(config.language === 'de' ? 'de' : 'en');
  map.pm.setGlobalOptions({
    allowSelfIntersection: false, snappable: false, continueDrawing: false,
    markerStyle: { icon: pin, title: gettext('Your point: drag it to correct it') },
  });
  const crosshair = L.DomUtil.create('div', 'crosshair', map.getContainer());
  crosshair.setAttribute('aria-hidden', 'true');

  nameDrawingMarkers(map);

  let drawn = null;
  let working = null;
  const shape = kind === 'point' ? 'Marker' : 'Line';
  const vertexCount = () => (working ? working.getLatLngs().length : 0);

  function say(text) {
    hint.textContent = text;
  }

  function store() {
    input.value = drawn ? JSON.stringify(drawn.toGeoJSON(7).geometry) : '';
    box.dataset.answered = drawn ? 'true' : 'false';
  }

  function buttons() {
    const drawing = !drawn;
    for (const action of ['place', 'vertex', 'undo', 'finish']) {
      const b = button(action);
      if (b) b.hidden = !drawing;
    }
    button('again').hidden = drawing;
    button('remove').hidden = drawing;
    crosshair.hidden = !drawing;
    if (button('undo')) button('undo').disabled = vertexCount() < 2;
    if (button('finish')) button('finish').disabled = vertexCount() < 2;
  }

  function adopt(layer) {
    drawn = layer;
    working = null;
    map.pm.disableDraw();
    layer.pm.enable({ allowSelfIntersection: false, draggable: kind === 'point' });
    layer.on('pm:edit pm:dragend pm:markerdragend', store);
    store();
    buttons();
    say(kind === 'point'
      ? gettext('Point placed. Drag it to correct it, or draw again.')
      : interpolate(gettext('Line drawn with %(count)s points. Drag the points to correct it, or draw again.'), { count: layer.getLatLngs().length }));
  }

  function startDrawing() {
    if (drawn) drawn.remove();
    drawn = null;
    store();
    map.pm.enableDraw(shape, { finishOn: null, tooltips: false });  // the hint above the map says it
    say(kind === 'point'
      ? gettext('Click or tap the map to place the point. You can drag it afterwards.')
      : gettext('Click the map to set the points of the line; click the last point again to finish. Drag the points afterwards to correct it.'));
    buttons();
  }

  map.on('pm:drawstart', (event) => {
    working = kind === 'line' ? event.workingLayer : null;
    if (working) working.on('pm:vertexadded pm:vertexremoved', buttons);
    buttons();
  });
  map.on('pm:create', (event) => adopt(event.layer));

  // The keyboard alternative: place where the crosshair is, as a click there would (through Geoman).
  function placeAtCentre() {
    const at = map.getCenter();
    if (!insideArea(config.area, at.lat, at.lng)) {
      say(gettext('This place is outside the project area. Please choose a place inside the outline.'));
      return;
    }
    const before = vertexCount();
    map.fire('click', {
      latlng: at, layerPoint: map.latLngToLayerPoint(at), containerPoint: map.latLngToContainerPoint(at),
    });
    if (kind === 'line' && !drawn) {
      say(vertexCount() > before
        ? interpolate(gettext('Point %(count)s of the line added.'), { count: vertexCount() })
        : gettext('This point cannot be added: the line would cross itself.'));
      buttons();
    }
  }
  for (const action of ['place', 'vertex']) {
    const b = button(action);
    if (b) b.addEventListener('click', placeAtCentre);
  }
  if (button('undo')) {
    button('undo').addEventListener('click', () => {
      if (vertexCount() < 2) return;
      map.pm.Draw.Line._removeLastVertex();
      say(interpolate(ngettext(
        'Last point removed; the line has %(count)s point.', 'Last point removed; the line has %(count)s points.', vertexCount(),
      ), { count: vertexCount() }));
      buttons();
    });
  }
  if (button('finish')) button('finish').addEventListener('click', () => map.pm.Draw.Line._finishShape());
  button('again').addEventListener('click', startDrawing);
  button('remove').addEventListener('click', () => {
    startDrawing();
    say(gettext('Removed. Nothing is drawn for this question now.'));
  });
  map.getContainer().addEventListener('keydown', (event) => {
    if (event.target !== map.getContainer() || event.key !== 'Enter' || drawn) return;
    event.preventDefault();  // not the form's submit
    placeAtCentre();
  });

  // A form sent back with a message keeps what was drawn.
  let restored = null;
  try {
    restored = input.value ? JSON.parse(input.value) : null;
  } catch {
    restored = null;
  }
  if (restored && (restored.type === 'Point' || restored.type === 'LineString')) {
    const layer = L.geoJSON(restored, { pointToLayer: (f, latlng) => L.marker(latlng, { icon: pin, title: gettext('Your point: drag it to correct it') }) })
      .getLayers()[0];
    layer.addTo(map);
    adopt(layer);
  } else {
    startDrawing();
  }
  maps.push({ name, map });
}

for (const box of document.querySelectorAll('.map-question')) setUpMapQuestion(box);
// A map in a question that was hidden at load measured itself at 0x0: measure again when it appears.
if (form) {
  form.addEventListener('change', () => {
    for (const { map } of maps) map.invalidateSize();
  });
}
window.surveyMaps = Object.fromEntries(maps.map(({ name, map }) => [name, map]));  // for browser tests
document.body.dataset.surveyReady = 'true';
