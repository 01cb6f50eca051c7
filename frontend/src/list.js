// The list beside the map: the suggestions of the current map section, filtered and sorted, 30 at a time.
// It is also the keyboard and screen-reader way into the map's content: every entry links to its page.
import { api } from './api.js';
import { element } from './dom.js';

export function createList(config) {
  const list = document.getElementById('suggestion-list');
  const more = document.getElementById('list-more');
  const categories = new Map(config.categories.map((c) => [c.key, c]));
  const labels = config.labels;
  let next = null;
  let request = null;

  function item(s) {
    const li = element('li', `suggestion-item suggestion-item--${s.moderation_state}`);
    li.dataset.id = String(s.id);
    const category = categories.get(s.category);
    const swatch = element('span', 'legend-swatch legend-swatch--' + (category ? category.kind : 'point'));
    swatch.setAttribute('aria-hidden', 'true');
    if (category) swatch.style.backgroundColor = category.colour;
    const link = element('a', 'suggestion-item-title', s.title);
    link.href = s.url;
    const meta = element('p', 'suggestion-item-meta');
    const status = s.moderation_state === 'pending'
      ? labels.moderationState.pending
      : labels.planningStatus[s.planning_status];
    meta.textContent = `${category ? category.label : s.category} · ${status} · ${labels.supports}: ${s.support_count}`;
    li.append(swatch, link, meta);
    return li;
  }

  async function fetchPage(url, append) {
    if (request) request.abort();
    request = new AbortController();
    try {
      const page = await api(url, { signal: request.signal });
      if (!append) list.replaceChildren();
      for (const s of page.results) list.append(item(s));
      next = page.next;
      more.hidden = !next;
      if (!append && page.results.length === 0) {
        const empty = url.includes('mine=true') ? labels.mineEmpty : labels.listEmpty;
        list.append(element('li', 'suggestion-item suggestion-item--empty', empty));
      }
      document.body.dataset.listLoaded = String(list.querySelectorAll('[data-id]').length);
    } catch (failure) {
      if (failure.name !== 'AbortError') document.body.dataset.listLoaded = 'error';
    }
  }

  more.addEventListener('click', () => next && fetchPage(next, true));

  return {
    clear() {
      list.replaceChildren(element('li', 'suggestion-item suggestion-item--empty', labels.listEmpty));
      more.hidden = true;
    },
    load(query) {
      return fetchPage(`${config.urls.list}?${query}`, false);
    },
  };
}
