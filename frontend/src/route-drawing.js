// Drawing a path along the street network: the citizen taps a start and an end (and more points: each new
// tap becomes the new end, the old end a via point); the server routes through them along streets open to
// bicycles (/route/) and the line is drawn at once. The points are markers that can be dragged (or moved
// with the keyboard: Leaflet's markers are buttons) and every move routes again. The keyboard form "along
// <street> from <crossing street> to <crossing street>" (setUpStreetForm) routes through the two crossings,
// preferring the street, and gives the same line as tapping them. setUpRoutePanel wires both to the panel
// (participation/includes/route_drawing.html) and credits the network on the map while routing is on: the
// compose flow (compose.js) and the author's correction page (edit.js) use it alike.
import L from 'leaflet';
import { api, ApiError } from './api.js';
import { creditHtml, creditText, element } from './dom.js';
import { gettext, interpolate, ngettext } from './i18n.js';

const ROUTE_STYLE = { color: '#c2410c', weight: 5, opacity: 0.9, className: 'route-line' };
const coordinate = (value) => Number(value.toFixed(7));

// "1.2 km" or "450 m" in the page's language.
export function distanceText(metres) {
  const language = document.documentElement.lang || 'de';
  if (metres >= 1000) {
    const km = (metres / 1000).toLocaleString(language, { maximumFractionDigits: 1 });
    return interpolate(gettext('%(km)s km'), { km });
  }
  return interpolate(gettext('%(metres)s m'), { metres: Math.round(metres / 10) * 10 || Math.round(metres) });
}

// "Route along the streets, 450 m: Südstraße, Herrenstraße, Kaiserstraße."
export function routeSentence(feature) {
  const { length_m: length, streets } = feature.properties;
  if (streets.length === 0) return interpolate(gettext('Route along the streets, %(distance)s.'), { distance: distanceText(length) });
  return interpolate(gettext('Route along the streets, %(distance)s: %(streets)s.'), {
    distance: distanceText(length), streets: streets.join(', '),
  });
}

export function createRouteDrawing(map, config, { onRoute, onProblem, onPoints }) {
  const markers = [];      // the tapped points in order: start, via points, end
  let line = null;         // the routed line (L.polyline), null until a route was found
  let feature = null;      // the server's answer for that line
  let along = null;        // a street the route prefers (the keyboard form)
  let listening = false;
  let zoomedByDoubleClick = false;
  let request = null;
  let maxPoints = 10;

  function icon(index, count) {
    const role = index === 0 ? 'start' : (index === count - 1 ? 'end' : 'via');
    const label = { start: 'A', end: 'B', via: String(index) }[role];
    return L.divIcon({ className: `route-point route-point--${role}`, html: `<span aria-hidden="true">${label}</span>`, iconSize: [30, 30] });
  }

  function title(index, count) {
    if (index === 0) return gettext('Start of the path: drag it to move it');
    if (index === count - 1) return gettext('End of the path: drag it to move it');
    return interpolate(gettext('Via point %(number)s: drag it to move it'), { number: index });
  }

  // Icons and names say each marker's part again after one was added or removed.
  function relabel() {
    markers.forEach((marker, index) => {
      marker.setIcon(icon(index, markers.length));
      const node = marker.getElement();
      if (node) {
        node.title = title(index, markers.length);
        node.setAttribute('aria-label', title(index, markers.length));
      }
    });
    onPoints(markers.length);
  }

  function addPoint(latlng, { route = true } = {}) {
    if (markers.length >= maxPoints) {
      onProblem(interpolate(ngettext(
        'A path takes a start, an end and at most %(count)s via point. Drag a point to change the route.',
        'A path takes a start, an end and at most %(count)s via points. Drag a point to change the route.',
        maxPoints - 2,
      ), { count: maxPoints - 2 }), null);
      return;
    }
    const marker = L.marker(latlng, {
      draggable: true, keyboard: true, icon: icon(markers.length, markers.length + 1), autoPan: true,
    });
    marker.on('dragend', () => reroute());
    marker.addTo(map);
    markers.push(marker);
    relabel();
    if (route) {
      if (markers.length >= 2) reroute();
      else onProblem(null, null);
    }
  }

  function removeLast() {
    const marker = markers.pop();
    if (marker) marker.remove();
    relabel();
    if (markers.length >= 2) {
      reroute();
    } else {
      if (request) request.abort();
      dropLine();
      onRoute(null);
    }
  }

  function dropLine() {
    if (line) line.remove();
    line = null;
    feature = null;
  }

  function onClick(event) {
    along = null;  // a tap is the pointer's route: no street preferred
    addPoint(event.latlng);
  }

  async function reroute() {
    if (markers.length < 2) return;
    if (request) request.abort();
    const current = new AbortController();
    request = current;
    const points = markers.map((marker) => {
      const at = marker.getLatLng();
      return `${coordinate(at.lng)},${coordinate(at.lat)}`;
    }).join(';');
    const params = new URLSearchParams({ points });
    if (along) params.set('along', along);
    try {
      const answer = await api(`${config.urls.route}?${params}`, { signal: current.signal });
      if (request !== current) return;
      dropLine();
      feature = answer;
      const latlngs = answer.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
      line = L.polyline(latlngs, ROUTE_STYLE).addTo(map);
      line.bringToBack();
      // The points move onto the streets, where the route passes them.
      answer.properties.points.forEach(([lon, lat], index) => {
        if (markers[index]) markers[index].setLatLng([lat, lon]);
      });
      onProblem(null, null);
      onRoute(feature, line);
    } catch (failure) {
      if (failure.name === 'AbortError' || request !== current) return;
      dropLine();
      onRoute(null);
      if (failure instanceof ApiError) onProblem(failure.message, failure.code);
      else onProblem(gettext('The route could not be loaded. Please check your connection and try again.'), 'connection');
    }
  }

  return {
    setMaxPoints(count) { maxPoints = count; },
    // Taps on the map add points while routing is on.
    // Two quick taps are a start and an end here, not a zoom (as while Geoman draws).
    start() {
      if (!listening) {
        map.on('click', onClick);
        zoomedByDoubleClick = map.doubleClickZoom.enabled();
        map.doubleClickZoom.disable();
      }
      listening = true;
    },
    stop() {
      if (listening) {
        map.off('click', onClick);
        if (zoomedByDoubleClick) map.doubleClickZoom.enable();
      }
      listening = false;
    },
    clear() {
      if (request) request.abort();
      request = null;
      for (const marker of markers) marker.remove();
      markers.length = 0;
      dropLine();
      along = null;
      onPoints(0);
    },
    // Points where a path already runs (the correction page's stored line), shown without routing: the first
    // move or tap routes through them.
    showPoints(latlngs) {
      this.clear();
      for (const latlng of latlngs) addPoint(latlng, { route: false });
    },
    // The keyboard form: a route through given places, preferring one street.
    routeThrough(latlngs, street) {
      this.clear();
      along = street;
      for (const latlng of latlngs) addPoint(latlng, { route: false });
      reroute();
    },
    removeLast,
    pointCount: () => markers.length,
    geometry: () => (feature ? feature.geometry : null),
  };
}

// Whether paths can follow the streets in this project: the network's facts (attribution, licence, max_points)
// from /route/network/, or null without a network or an answer (then paths are drawn freely, as before).
export async function streetNetwork(config) {
  try {
    const answer = await api(config.urls.routeNetwork);
    return answer.available ? answer : null;
  } catch {
    return null;
  }
}

// The routed drawing with its panel (participation/includes/route_drawing.html): the undo button, the
// problem (with free drawing offered where the network cannot help), the keyboard form, and the sentence
// saying what was routed. `onRoute(feature, line)` gets each route (null when none is drawn any more),
// `onGoFree()` the switch to free drawing. While it is started, taps add points and the map credits the
// network (its data is what the line follows: "© OpenStreetMap contributors"); the panel says the credit
// too, where a phone's one-line map credits may cut it off.
export function setUpRoutePanel(map, config, network, { onRoute, onGoFree }) {
  const undo = document.getElementById('route-undo');
  const problem = document.getElementById('route-problem');
  const goFree = document.getElementById('route-go-free');
  const status = document.getElementById('route-status');
  const creditLine = document.getElementById('route-credit');
  const credit = network ? creditHtml(network) : '';
  const text = network ? creditText(network) : '';
  creditLine.textContent = text ? interpolate(gettext('Street network: %(credit)s'), { credit: text }) : '';
  creditLine.hidden = !text;
  let credited = false;
  const routing = createRouteDrawing(map, config, {
    onRoute(feature, line) {
      if (feature) status.textContent = routeSentence(feature);
      onRoute(feature, line);
    },
    onProblem(message, code) {
      problem.textContent = message || '';
      goFree.hidden = !message || !['no_route', 'point_outside_network', 'no_network', 'route_crosses_itself'].includes(code);
      if (message) status.textContent = '';
    },
    onPoints(count) {
      undo.hidden = count === 0;
    },
  });
  if (network) routing.setMaxPoints(network.max_points);
  const streetForm = setUpStreetForm(config, {
    route(latlngs, street, description) {
      routing.routeThrough(latlngs, street);
      status.textContent = interpolate(gettext('Finding the route %(description)s …'), { description });
    },
  });
  undo.addEventListener('click', () => routing.removeLast());
  goFree.addEventListener('click', onGoFree);

  function showCredit(on) {
    if (!map.attributionControl || on === credited) return;
    if (on) map.attributionControl.addAttribution(credit);
    else map.attributionControl.removeAttribution(credit);
    credited = on;
  }

  return {
    start() {
      routing.start();
      showCredit(true);
    },
    stop() {
      routing.stop();
      showCredit(false);
    },
    // No points, no line, no messages, an empty keyboard form.
    clear() {
      routing.clear();
      problem.textContent = '';
      goFree.hidden = true;
      status.textContent = '';
      streetForm.reset();
    },
    showPoints: (latlngs) => routing.showPoints(latlngs),
  };
}

// The form "along <street> from <crossing street> to <crossing street>": search as you type, then the crossing
// streets of the chosen street in two lists. `route(latlngs, street, description)` draws the route.
export function setUpStreetForm(config, { route }) {
  const street = document.getElementById('route-street');
  const options = document.getElementById('route-street-options');
  const from = document.getElementById('route-from');
  const to = document.getElementById('route-to');
  const show = document.getElementById('route-show');
  const problem = document.getElementById('route-form-error');
  if (!street) return { reset() {} };
  let names = [];
  let crossings = [];
  let searching = null;
  let timer = null;
  let chosen = null;

  function say(message) {
    problem.textContent = message || '';
    if (message) street.setAttribute('aria-invalid', 'true');
    else street.removeAttribute('aria-invalid');
  }

  function fillCrossings(list) {
    crossings = list;
    // A street meeting the chosen one twice is named twice: "Adlerstraße (1)", "Adlerstraße (2)".
    const counts = {};
    for (const crossing of list) counts[crossing.name] = (counts[crossing.name] || 0) + 1;
    for (const select of [from, to]) {
      select.replaceChildren();
      for (const [index, crossing] of list.entries()) {
        const number = list.slice(0, index + 1).filter((c) => c.name === crossing.name).length;
        const label = counts[crossing.name] > 1 ? `${crossing.name} (${number})` : crossing.name;
        const option = element('option', null, label);
        option.value = String(index);
        select.append(option);
      }
      select.disabled = list.length < 2;
    }
    if (list.length > 1) to.value = String(list.length - 1);
  }

  async function choose(name) {
    if (chosen === name) return;
    chosen = name;
    fillCrossings([]);
    try {
      const answer = await api(`${config.urls.routeCrossings}?${new URLSearchParams({ street: name })}`);
      if (chosen !== name) return;
      fillCrossings(answer.crossings);
      say(answer.crossings.length < 2
        ? interpolate(gettext('No two streets meet %(street)s in the street network: tap the path on the map instead.'), { street: name })
        : null);
    } catch (failure) {
      if (chosen !== name) return;
      say(failure instanceof ApiError ? failure.message : gettext('The streets could not be loaded. Please check your connection and try again.'));
    }
  }

  async function search() {
    const text = street.value.trim();
    if (names.includes(street.value)) {
      choose(street.value);
      return;
    }
    chosen = null;
    fillCrossings([]);
    if (text.replace(/\./g, '').trim() === '') {
      options.replaceChildren();
      return;
    }
    if (searching) searching.abort();
    const current = new AbortController();
    searching = current;
    try {
      const answer = await api(`${config.urls.routeStreets}?${new URLSearchParams({ q: text.slice(0, 100) })}`, { signal: current.signal });
      names = answer.streets;
      options.replaceChildren(...names.map((name) => {
        const option = element('option');
        option.value = name;
        return option;
      }));
      say(names.length === 0 ? gettext('No street of this name in the street network.') : null);
      // Typed in full (or picked from the suggestions): the crossings come at once.
      const exact = names.find((name) => name.toLocaleLowerCase() === text.toLocaleLowerCase());
      if (exact) {
        if (street.value !== exact) street.value = exact;
        choose(exact);
      }
    } catch (failure) {
      if (failure.name === 'AbortError') return;
      say(failure instanceof ApiError ? failure.message : gettext('The streets could not be loaded. Please check your connection and try again.'));
    }
  }

  street.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 150);
  });
  street.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();  // not the form's submit
    window.clearTimeout(timer);
    search();
  });
  show.addEventListener('click', () => {
    if (!chosen || crossings.length < 2) {
      say(gettext('Choose a street from the suggestions first, then the two crossing streets.'));
      street.focus();
      return;
    }
    const a = crossings[Number(from.value)];
    const b = crossings[Number(to.value)];
    if (a.vertex === b.vertex) {
      say(gettext('Choose two different crossing streets.'));
      to.focus();
      return;
    }
    say(null);
    route([a, b].map((c) => L.latLng(c.position[1], c.position[0])), chosen,
      interpolate(gettext('along %(street)s from %(from)s to %(to)s'), { street: chosen, from: a.name, to: b.name }));
  });
  return {
    reset() {
      street.value = '';
      options.replaceChildren();
      chosen = null;
      names = [];
      fillCrossings([]);
      say(null);
    },
  };
}
