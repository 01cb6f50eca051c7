// The place search above the project admin's map widgets (participation/admin_forms.py, PlaceSearchWidget):
// the public map's combobox (place-search.js), over the project's place search API. Choosing a place moves
// every map widget of the form there (the area's and the map centre's), so the admin draws the area in the
// right streets; only the views move, nothing is drawn or changed in the form.
// The maps are django-leaflet's, made with its own Leaflet (window.L) on the window's load event, each
// announced by a `map:init` event: this module runs before load (module scripts run when the document is
// parsed), so it hears every one.
import { gettext, interpolate } from './i18n.js';
import { createPlaceSearch, placeMover } from './place-search.js';

const box = document.querySelector('.place-search--admin[data-places-url]');
if (box) {
  const form = box.closest('form');
  const movers = [];
  window.addEventListener('map:init', (event) => {
    const { map } = event.detail;
    if (!form || form.contains(map.getContainer())) movers.push(placeMover(map, window.L));
  });
  const search = createPlaceSearch(box, {
    url: box.dataset.placesUrl,
    inputId: box.dataset.inputId,
    onChoose(place) {
      movers.forEach((move) => move(place));
      search.say(interpolate(gettext('The maps below now show %(place)s.'), { place: place.label }));
    },
  });
  // The field's help text says what the search is for and that it changes nothing.
  if (box.dataset.describedBy) search.input.setAttribute('aria-describedby', box.dataset.describedBy);
}
