// Small DOM helpers. User text reaches the page only through textContent, never through HTML parsing.

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Swatches take their colour from data-colour: no inline style attributes under our CSP.
export function paintSwatches(root = document) {
  for (const swatch of root.querySelectorAll('.legend-swatch[data-colour]')) {
    swatch.style.backgroundColor = swatch.dataset.colour;
  }
}

// URLs for one suggestion come from the server with the id 0 in them; the id is the last "/0/" (a project
// slug may be "0" too, but it always comes before the id).
export function withId(url, id) {
  const at = url.lastIndexOf('/0/');
  return `${url.slice(0, at)}/${id}/${url.slice(at + 3)}`;
}
