// On phones the panel is a bottom sheet over the full-screen map: collapsed it shows its handle and the
// project's title, expanded it holds the list and the new-suggestion form and scrolls by itself. While a
// suggestion is being placed it shrinks to the "Where?" step so the map and its crosshair stay in view; once
// the shape is there it opens on the form's next step and the map moves the shape above the sheet's edge.
// On wide screens none of this applies: the panel sits beside the map.
export function createSheet(map) {
  const panel = document.getElementById('panel');
  const handle = document.getElementById('sheet-handle');
  const body = document.getElementById('panel-body');
  const narrow = window.matchMedia('(max-width: 720px)');
  const isNarrow = () => narrow.matches;

  function set(state) {
    panel.dataset.sheet = state;
    handle.setAttribute('aria-expanded', String(state === 'expanded'));
    if (state === 'drawing') body.scrollTop = 0;  // the "Where?" step from its start
    panel.dispatchEvent(new CustomEvent('sheetchange', { detail: state }));
  }
  const expand = () => set('expanded');
  const collapse = () => set('collapsed');

  handle.addEventListener('click', () => (panel.dataset.sheet === 'expanded' ? collapse() : expand()));

  // A swipe on the handle opens or closes the sheet, as on other map apps; a tap does the same.
  let startY = null;
  handle.addEventListener('touchstart', (event) => { startY = event.touches[0].clientY; }, { passive: true });
  handle.addEventListener('touchend', (event) => {
    if (startY === null) return;
    const dy = event.changedTouches[0].clientY - startY;
    startY = null;
    if (Math.abs(dy) < 30) return;
    event.preventDefault();  // no click after a swipe
    if (dy < 0) expand(); else collapse();
  });

  // Focus never hides below the sheet's edge: what gets keyboard focus in a collapsed sheet opens it. (A tap
  // on a link in the visible part must not: the sheet would move under the finger and the tap get lost.)
  body.addEventListener('focusin', (event) => {
    if (isNarrow() && panel.dataset.sheet === 'collapsed' && event.target.matches(':focus-visible')) expand();
  });

  // Placing or drawing: the sheet makes room for the map, and comes back when the shape is there.
  map.on('pm:drawstart', () => set('drawing'));
  map.on('pm:drawend', () => {
    if (panel.dataset.sheet === 'drawing') expand();
  });

  // How much of the map's foot the sheet covers (none on wide screens, where it sits beside the map).
  function covered() {
    const mapBox = map.getContainer().getBoundingClientRect();
    const sheetBox = panel.getBoundingClientRect();
    const over = sheetBox.left <= mapBox.left + 1 && sheetBox.right >= mapBox.right - 1;
    return over ? Math.max(0, mapBox.bottom - sheetBox.top) : 0;
  }

  // Move the map as little as needed for a placed pin (or a drawn line) to show in the uncovered part.
  // The pin stands on its point: room above it for its image, some below it for the sheet's shadow.
  function reveal(layer) {
    const foot = covered();
    if (layer.getLatLng) {
      map.panInside(layer.getLatLng(), {
        paddingTopLeft: [24, 60], paddingBottomRight: [24, foot + 16], animate: false,
      });
    } else {
      map.fitBounds(layer.getBounds(), {
        paddingTopLeft: [24, 24], paddingBottomRight: [24, foot + 24], maxZoom: map.getZoom(), animate: false,
      });
    }
  }

  // A shape was placed: on a phone the sheet opens where the form goes on (the `step` element at its top),
  // not at the project's introduction, which had come back at the top and hid the pin.
  function showStep(step, layer) {
    if (!isNarrow()) return;
    set('expanded');
    body.scrollTop += step.getBoundingClientRect().top - body.getBoundingClientRect().top;
    reveal(layer);
  }

  // Drawing without Geoman (a path along the streets): the same room for the map.
  const draw = () => set('drawing');

  return { isNarrow, expand, collapse, showStep, draw, panel };
}
