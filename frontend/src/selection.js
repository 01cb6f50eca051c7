// One selected suggestion at a time, chosen on the map (click, tap, Enter on its marker) or in the list.
// Selecting shows it on the map (in view, highlighted, its popup open), marks its list entry
// (aria-current, scrolled into view) and says so in a polite live region. Escape closes the popup and
// returns focus to where the selection came from (the marker or the list entry).
import L from 'leaflet';
import { api } from './api.js';
import { withId } from './dom.js';
import { gettext, interpolate } from './i18n.js';
import { anchorOf } from './layers.js';
import { fillPopupPhoto, popupContent } from './popup.js';

// `onChange(id)` hears of each suggestion whose popup opens, and of null when it closes (the page's address).
export function createSelection(map, config, { layers, list, announce, sheet, keepList, onChange = () => {} }) {
  const categories = new Map(config.categories.map((c) => [c.key, c]));
  // Narrow enough to fit a phone with room to spare (content + Leaflet's margins + the close button).
  const popup = L.popup({
    maxWidth: Math.min(320, window.innerWidth - 110), autoPanPadding: L.point(16, 16), className: 'suggestion-popup',
  });
  let current = null;  // { id, returnTo }
  let ghost = null;    // the outline of a selected suggestion the map does not draw (e.g. one waiting for review)

  function clearGhost() {
    if (ghost) ghost.remove();
    ghost = null;
  }

  // Bring a place into view without reloading the list: the list entry that was chosen stays where it is.
  function reveal(latlng, zoom) {
    const inner = map.getBounds().pad(-0.15);
    if (zoom === undefined && inner.contains(latlng)) return;
    keepList();
    map.setView(latlng, zoom === undefined ? map.getZoom() : zoom, { animate: false });
  }

  // `keepView`: a shared link's suggestion opens in the link's view, which was chosen with it in sight.
  async function select(id, { from, keyboard = false, returnTo = null, item = null, keepView = false }) {
    current = { id, returnTo };
    let entry = layers.get(id);
    let properties = entry ? entry.feature.properties : item;
    let latlng = entry ? entry.latlng : null;
    if (!entry) {
      // Not drawn here (clusters, outside the view, waiting for review): its own endpoint has the geometry.
      let feature;
      try {
        feature = await api(withId(config.urls.suggestionApi, id));
      } catch (failure) {
        announce(gettext('This suggestion could not be shown on the map.'));
        return;
      }
      if (!current || current.id !== id) return;  // another selection came first
      properties = { ...feature.properties, ...(item || {}) };
      latlng = anchorOf(feature.geometry);
      if (!keepView) reveal(latlng, Math.max(map.getZoom(), 17));
      entry = layers.get(id);
      if (!entry) {
        clearGhost();
        ghost = L.geoJSON(feature.geometry, {
          interactive: false,
          style: { className: 'selection-ghost', color: '#1e293b', weight: 4, dashArray: '6 4', fill: false },
          pointToLayer: (f, at) => L.circleMarker(at, { radius: 14, interactive: false, className: 'selection-ghost' }),
        }).addTo(map);
      }
    } else if (from === 'list') {
      reveal(latlng);
    }
    if (entry) clearGhost();
    layers.highlight(id);
    list.mark(id, { scroll: from !== 'list' });
    const category = categories.get(properties.category);
    const content = popupContent(properties, category, config);
    // The map pans the popup into view below what lies over the map's head: the place search box, the zoom
    // buttons, on phones the credits (a popup with a photo is tall enough to reach under them).
    const head = [document.getElementById('place-search-map'), ...map.getContainer().querySelectorAll('.leaflet-top .leaflet-control')];
    const mapTop = map.getContainer().getBoundingClientRect().top;
    const top = Math.max(16, ...head.filter((node) => node && node.offsetParent).map((node) => node.getBoundingClientRect().bottom - mapTop + 8));
    popup.options.autoPanPaddingTopLeft = L.point(16, top);
    popup.setLatLng(latlng).setContent(content);
    if (from === 'list' && sheet.isNarrow()) sheet.collapse();
    popup.openOn(map);
    onChange(id);
    popup.getElement().querySelector('.leaflet-popup-close-button')?.setAttribute('aria-label', gettext('Close'));
    announce(interpolate(
      gettext('Selected: %(title)s (%(category)s), shown on the map.'),
      { title: properties.title, category: category ? category.label : '' },
    ));
    // Keyboard users on the map, and anyone on a phone whose list just made way for the map, go to the popup.
    if (keyboard || (from === 'list' && sheet.isNarrow())) {
      popup.getElement().querySelector('.popup-title').focus({ preventScroll: true });
    }
    // The photo's description may have to be fetched; the popup is laid out again if it is still open.
    if (await fillPopupPhoto(content, properties, config) && popup.getContent() === content && map.hasLayer(popup)) {
      popup.update();
    }
  }

  function close({ restoreFocus }) {
    if (!map.hasLayer(popup)) return;
    const target = current && current.returnTo;
    map.closePopup(popup);
    if (restoreFocus && target && target.isConnected) target.focus({ preventScroll: true });
  }

  map.on('popupclose', (event) => {
    if (event.popup !== popup || !current) return;
    const target = current.returnTo;
    const hadFocus = popup.getElement() && popup.getElement().contains(document.activeElement);
    current = null;
    onChange(null);
    clearGhost();
    layers.highlight(null);
    list.mark(null, { scroll: false });
    // The close button, or a click elsewhere while the popup had focus: focus goes back, not to the page top.
    if (hadFocus && target && target.isConnected) target.focus({ preventScroll: true });
  });

  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !map.hasLayer(popup)) return;
    const inMap = map.getContainer().contains(document.activeElement);
    const inList = document.getElementById('suggestion-list').contains(document.activeElement);
    if (!inMap && !inList) return;
    event.stopPropagation();
    close({ restoreFocus: inMap });
  });

  // After the map has loaded again: a suggestion that was only outlined may now be drawn itself.
  function redrawn() {
    if (ghost && current && layers.get(current.id)) {
      clearGhost();
      layers.highlight(current.id);
    }
  }

  return { select, close, redrawn, get current() { return current; } };
}
