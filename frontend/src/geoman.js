// Leaflet-Geoman for every page that draws: import this module, never the package directly.
import L from 'leaflet';
import './leaflet-global.js';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import { gettext } from './i18n.js';

// Geoman gives `map.pm` to maps made after it loaded (an init hook). The project map exists before its
// compose flow loads Geoman: give that map what the hook would have. Layers drawn before stay without
// `pm`, so nobody can edit the suggestions already on the map.
export function withGeoman(map) {
  if (!map.pm) {
    map.pm = new L.PM.Map(map);
    map.pm.setGlobalOptions({});
  }
  return map;
}

// Geoman brings its own German, which says "Du" to people; ours says "Sie". Its hint tooltips and action
// texts therefore come from our catalogue and replace Geoman's for the page's language. Only texts that say
// "Du" or that our pages show are here: Geoman's toolbar titles ("Rechteck zeichnen") address nobody and
// stay its own.
export function speakOurLanguage(map) {
  const language = document.documentElement.lang === 'de' ? 'de' : 'en';
  const texts = {
    tooltips: {
      placeMarker: gettext('Click where your suggestion should be'),
      placeMarkerTouch: gettext('Tap the map where your suggestion should be'),
      firstVertex: gettext('Click to place the first point'),
      continueLine: gettext('Click to add the next point'),
      finishLine: gettext('Click the last point again to finish'),
      finishPoly: gettext('Click the first corner again to finish'),
      finishRect: gettext('Click to finish'),
    },
    actions: {
      finish: gettext('Finish'),
      cancel: gettext('Cancel'),
      removeLastVertex: gettext('Remove last point'),
    },
  };
  map.pm.setLang(language, texts, language);
}

// Geoman's markers are buttons without a name: the drawing's points get one; the marker that only follows
// the pointer while drawing is hidden from screen readers and the tab order (the crosshair buttons are the
// keyboard's way to place). Markers that already have a name (the placed pin's title) keep theirs.
export function nameDrawingMarkers(map) {
  function name() {
    for (const marker of map.getContainer().querySelectorAll('.leaflet-marker-icon')) {
      if (marker.getAttribute('aria-label') || marker.title) continue;
      if (marker.classList.contains('cursor-marker')) {
        marker.setAttribute('aria-hidden', 'true');
        marker.removeAttribute('role');
        marker.tabIndex = -1;
      } else {
        marker.setAttribute('aria-label', gettext('Point of the line: drag it to correct it'));
      }
    }
  }
  map.on('layeradd', () => window.requestAnimationFrame(name));
}
