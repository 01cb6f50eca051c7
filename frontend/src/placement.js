// Placing a suggestion without a mouse, for the "Where?" step of the new-suggestion form.
//
// While Geoman draws (a point or a line), a crosshair marks the middle of the visible map. The map moves
// under it (arrow keys when the map has focus, dragging, or coordinates typed in); Enter on the map or a
// button puts the point, or the line's next point, under the crosshair. Both go through Geoman exactly as
// a click would (a map "click" at that place), so taps, clicks and keys make the same shapes and
// compose.js sees one `pm:create` whichever way was used.
import L from 'leaflet';
import { gettext, interpolate, ngettext } from './i18n.js';

// Even-odd ray casting over every ring of a (Multi)Polygon in GeoJSON (lon, lat); holes count as outside.
export function insideArea(area, lat, lon) {
  const polygons = area.type === 'MultiPolygon' ? area.coordinates : [area.coordinates];
  let inside = false;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

// "49.0094, 8.4044", "49.0094 8.4044", "49,0094; 8,4044" (decimal commas): latitude first.
export function parseCoordinates(text) {
  const match = /^\s*(-?\d+(?:[.,]\d+)?)\s*°?\s*(?:[,;]|\s)\s*(-?\d+(?:[.,]\d+)?)\s*°?\s*$/.exec(text);
  if (!match) return null;
  const [lat, lon] = [match[1], match[2]].map((n) => Number(n.replace(',', '.')));
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

const byId = (id) => document.getElementById(id);

export function setUpPlacement(map, config, { announce, panel }) {
  const box = byId('placement');
  if (!box) return;
  const buttons = {
    point: byId('place-point'),
    vertex: byId('place-vertex'),
    undo: byId('place-undo'),
    finish: byId('place-finish'),
    focusMap: byId('place-focus-map'),
  };
  const coords = byId('place-coords');
  const coordsGo = byId('place-coords-go');
  const coordsError = byId('place-coords-error');
  const placeError = byId('place-error');
  const container = map.getContainer();
  const crosshair = L.DomUtil.create('div', 'crosshair', container);
  crosshair.setAttribute('aria-hidden', 'true');
  crosshair.hidden = true;

  let shape = null;        // Geoman's shape being drawn: 'Marker', 'Line', 'Polygon', or null
  let working = null;      // the line being drawn
  let fromControls = false;

  const vertexCount = () => (working ? working.getLatLngs().length : 0);
  const draw = () => map.pm.Draw[shape];

  // The middle of the part of the map nobody covers: on phones the bottom sheet lies over the map.
  function visibleCentre() {
    const mapBox = container.getBoundingClientRect();
    let bottom = mapBox.bottom;
    const sheet = panel.getBoundingClientRect();
    const overlays = sheet.left <= mapBox.left + 1 && sheet.right >= mapBox.right - 1 && sheet.top < mapBox.bottom;
    if (overlays && sheet.top > mapBox.top) bottom = sheet.top;
    return L.point(mapBox.width / 2, (bottom - mapBox.top) / 2).round();
  }

  function placeCrosshair() {
    const at = visibleCentre();
    crosshair.style.left = `${at.x}px`;
    crosshair.style.top = `${at.y}px`;
  }

  function update() {
    const point = shape === 'Marker';
    buttons.point.hidden = !point;
    buttons.vertex.hidden = point;
    buttons.undo.hidden = point;
    buttons.finish.hidden = point;
    buttons.undo.disabled = vertexCount() < 2;
    buttons.finish.disabled = vertexCount() < (shape === 'Polygon' ? 3 : 2);
    coordsGo.textContent = point ? gettext('Place at these coordinates') : gettext('Add point at these coordinates');
  }

  function showError(slot, message) {
    slot.textContent = message;
    if (slot === coordsError) coords.setAttribute('aria-invalid', 'true');
  }
  function clearErrors() {
    placeError.textContent = '';
    coordsError.textContent = '';
    coords.removeAttribute('aria-invalid');
  }

  // Put the point (or the line's next point) at `latlng`, as a click there would.
  function placeAt(latlng, errorSlot) {
    if (!shape) return false;
    clearErrors();
    if (!insideArea(config.area, latlng.lat, latlng.lng)) {
      showError(errorSlot, gettext('This place is outside the project area. Please choose a place inside the outline.'));
      return false;
    }
    fromControls = true;
    const before = vertexCount();
    map.fire('click', {
      latlng, layerPoint: map.latLngToLayerPoint(latlng), containerPoint: map.latLngToContainerPoint(latlng),
    });
    fromControls = false;  // a point's pm:create has been handled by now
    if (shape && shape !== 'Marker') {
      if (vertexCount() > before) {
        announce(interpolate(gettext('Point %(count)s of the line added.'), { count: vertexCount() }));
      } else {
        showError(errorSlot, gettext('This point cannot be added: the line would cross itself.'));
      }
    }
    update();
    return true;
  }

  const crosshairLatLng = () => map.containerPointToLatLng(visibleCentre());
  buttons.point.addEventListener('click', () => placeAt(crosshairLatLng(), placeError));
  buttons.vertex.addEventListener('click', () => placeAt(crosshairLatLng(), placeError));
  buttons.finish.addEventListener('click', () => {
    fromControls = true;
    draw()._finishShape();  // Geoman's own "finish", as a click on the last point would do
    fromControls = false;
  });
  buttons.undo.addEventListener('click', () => {
    if (vertexCount() < 2) return;
    draw()._removeLastVertex();
    announce(interpolate(ngettext(
      'Last point removed; the line has %(count)s point.', 'Last point removed; the line has %(count)s points.', vertexCount(),
    ), { count: vertexCount() }));
    update();
  });
  buttons.focusMap.addEventListener('click', () => {
    container.focus({ preventScroll: true });
  });

  function useCoordinates() {
    const parsed = parseCoordinates(coords.value);
    if (!parsed) {
      clearErrors();
      showError(coordsError, gettext('Please enter latitude and longitude as two numbers separated by a comma, e.g. 49.0094, 8.4044.'));
      return;
    }
    const latlng = L.latLng(parsed.lat, parsed.lon);
    if (!insideArea(config.area, parsed.lat, parsed.lon)) {
      clearErrors();
      const swapped = insideArea(config.area, parsed.lon, parsed.lat);
      showError(coordsError, swapped
        ? gettext('This place is outside the project area. Did you swap the numbers? Latitude comes first, e.g. 49.0094, 8.4044.')
        : gettext('This place is outside the project area. Please choose a place inside the outline.'));
      return;
    }
    map.setView(latlng, map.getZoom(), { animate: false });
    if (placeAt(latlng, coordsError) && shape && shape !== 'Marker') coords.value = '';
  }
  coordsGo.addEventListener('click', useCoordinates);
  coords.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();  // not the form's submit
    useCoordinates();
  });

  // Enter on the map itself (not on a marker or a control inside it) places at the crosshair.
  container.addEventListener('keydown', (event) => {
    if (!shape || event.target !== container || event.key !== 'Enter') return;
    event.preventDefault();
    placeAt(crosshairLatLng(), placeError);
  });
  container.addEventListener('focus', () => {
    if (shape) announce(shape === 'Marker'
      ? gettext('Crosshair: move the map with the arrow keys, press Enter to place the point here.')
      : gettext('Crosshair: move the map with the arrow keys, press Enter to add a point of the line here.'));
  });

  map.on('pm:drawstart', (event) => {
    shape = event.shape;
    working = shape === 'Marker' ? null : event.workingLayer;  // for a point, that is Geoman's hint marker
    if (working) working.on('pm:vertexadded pm:vertexremoved', update);
    clearErrors();
    coords.value = '';
    box.hidden = false;
    crosshair.hidden = false;
    update();
    // The sheet changes its size when drawing starts on a phone: measure after it has.
    window.requestAnimationFrame(placeCrosshair);
  });
  map.on('pm:drawend', () => {
    shape = null;
    working = null;
    box.hidden = true;
    crosshair.hidden = true;
  });
  map.on('pm:create', (event) => {
    if (!fromControls) return;
    fromControls = false;
    if (event.layer.getLatLng) {
      const at = event.layer.getLatLng();
      announce(interpolate(gettext('Placed at %(lat)s, %(lon)s.'), { lat: at.lat.toFixed(5), lon: at.lng.toFixed(5) }));
    } else {
      announce(interpolate(gettext('Line with %(count)s points drawn.'), { count: event.layer.getLatLngs().length }));
    }
    // The buttons just hid themselves: keep keyboard users moving forward, to the title.
    byId('compose-title').focus();
  });
  map.on('resize', placeCrosshair);
  panel.addEventListener('sheetchange', () => window.requestAnimationFrame(placeCrosshair));
}
