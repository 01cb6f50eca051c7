// A suggestion's popup, built from DOM nodes: titles and texts are user input and never parsed as HTML.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const TEXT_LIMIT = 280;

export function popupContent(feature, category, config) {
  const p = feature.properties;
  const labels = config.labels;
  const root = element('article', 'popup');
  root.append(element('p', 'popup-category', category ? category.label : p.category));
  root.append(element('h3', 'popup-title', p.title));
  if (p.text) {
    const text = p.text.length > TEXT_LIMIT ? `${p.text.slice(0, TEXT_LIMIT).trimEnd()}…` : p.text;
    root.append(element('p', 'popup-text', text));
  }
  const facts = element('dl', 'popup-facts');
  const created = new Date(p.created).toLocaleDateString(config.language, { dateStyle: 'medium' });
  for (const [term, value] of [
    [labels.status, labels.planningStatus[p.planning_status] || p.planning_status],
    [labels.supports, String(p.support_count)],
    [labels.comments, String(p.comment_count)],
    [labels.created, created],
  ]) {
    facts.append(element('dt', null, term), element('dd', null, value));
  }
  root.append(facts);
  return root;
}
