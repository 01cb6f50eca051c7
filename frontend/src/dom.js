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

// One credit as text: the data's credit and its licence, the licence only once where the credit names it
// already ("© OpenStreetMap contributors (ODbL)", "ODbL 1.0"). '' when there is nothing to credit.
export function creditText({ attribution, licence }) {
  const credit = (attribution || '').trim();
  const terms = (licence || '').trim();
  const named = terms && credit.includes(terms.replace(/\s+v?[\d.]+$/, ''));
  return [credit, named ? '' : terms].filter(Boolean).join(', ');
}

// The same as the escaped HTML Leaflet's attribution control takes (it sets HTML). Data that several parts
// of a page show (a context layer and the street network from the same extract) gives the same entry, which
// Leaflet shows once.
export function creditHtml(source) {
  const text = creditText(source);
  return text ? element('span', 'data-credit', text).outerHTML : '';
}
