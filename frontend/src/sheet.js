// On phones the panel is a bottom sheet over the full-screen map: collapsed it shows its handle and the
// project's title, expanded it holds the list and the new-suggestion form and scrolls by itself. While a
// suggestion is being placed it shrinks to the "Where?" step so the map and its crosshair stay in view.
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

  return { isNarrow, expand, collapse, panel };
}
