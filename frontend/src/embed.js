// The embedded map (/embed/<slug>/, participation/views/embed.py) in a frame on a town's own website. The map
// is the public map's own script (map.js, loaded beside this one); this part only makes every link leave the
// frame: a suggestion's page, the full map, the credits and the legal pages open in a new tab (rel=noopener),
// so that taking part (supporting, commenting, signing in) happens on the full page, never in a form inside
// someone else's page. Links made later (popups, list entries, credits) are caught as they appear, and on
// the click itself as a last resort. In-page links (#…, and Leaflet's zoom buttons) stay as they are.
import './embed.css';

// Leaflet focuses the map on a press (for its keyboard handling) and undoes the scroll that causes in its own
// window only. In a frame that the host page shows in part, chromium scrolls the host page to show the focused
// map whole: the marker moves away under the pointer between press and release, and the click is lost. Here
// the map takes focus without scrolling anything (Tab still brings it into view: that focus is the browser's).
const mapElement = document.getElementById('map');
const focusMap = mapElement.focus.bind(mapElement);
mapElement.focus = (options) => focusMap({ ...options, preventScroll: true });

const OUTWARD = 'a[href]:not([href^="#"])';

function outward(link) {
  link.target = '_blank';
  link.rel = 'noopener';
}

function within(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return [];
  return [...(node.matches(OUTWARD) ? [node] : []), ...node.querySelectorAll(OUTWARD)];
}

within(document.body).forEach(outward);
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) within(node).forEach(outward);
  }
}).observe(document.body, { childList: true, subtree: true });
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest(OUTWARD) : null;
  if (link) outward(link);
}, true);
