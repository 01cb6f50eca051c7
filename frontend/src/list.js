// The list beside the map: the suggestions of the current map section, filtered and sorted, 30 at a time.
// It is the keyboard and screen-reader way into the map's content: each entry's title is a button that
// selects it (shows it on the map), and a link opens its page. The selected entry carries aria-current.
import { api } from './api.js';
import { element } from './dom.js';
import { gettext } from './i18n.js';
import { pendingLabel, planningStatusLabel } from './statuses.js';

const listEmpty = () => gettext('No suggestions in this map section.');

export function createList(config, { onSelect }) {
  const list = document.getElementById('suggestion-list');
  const more = document.getElementById('list-more');
  const categories = new Map(config.categories.map((c) => [c.key, c]));
  let next = null;
  let request = null;
  let markedId = null;

  function item(s) {
    const li = element('li', `suggestion-item suggestion-item--${s.moderation_state}`);
    li.dataset.id = String(s.id);
    const category = categories.get(s.category);
    const swatch = element('span', 'legend-swatch legend-swatch--' + (category ? category.kind : 'point'));
    swatch.setAttribute('aria-hidden', 'true');
    if (category) swatch.style.backgroundColor = category.colour;
    const select = element('button', 'suggestion-item-title', s.title);
    select.type = 'button';
    select.setAttribute('aria-describedby', `suggestion-meta-${s.id}`);
    select.addEventListener('click', () => onSelect(s.id, { from: 'list', returnTo: select, item: s }));
    const meta = element('p', 'suggestion-item-meta');
    meta.id = `suggestion-meta-${s.id}`;
    const status = s.moderation_state === 'pending' ? pendingLabel : planningStatusLabel(s.planning_status);
    meta.textContent = `${category ? category.label : s.category} · ${status} · ${gettext('Supports')}: ${s.support_count}`;
    const link = element('a', 'suggestion-item-link', gettext('Open suggestion'));
    link.href = s.url;
    link.setAttribute('aria-label', `${gettext('Open suggestion')}: ${s.title}`);
    li.append(swatch, select, meta, link);
    // The first published photo, small, with its description (it may say what the title does not).
    if (s.photo) {
      li.classList.add('suggestion-item--photo');
      const thumbnail = element('img', 'suggestion-item-photo');
      Object.assign(thumbnail, { src: s.photo.url, alt: s.photo.alt, width: 64, height: 64, loading: 'lazy', decoding: 'async' });
      li.append(thumbnail);
    }
    return li;
  }

  function entry(id) {
    return id === null ? null : list.querySelector(`li[data-id="${id}"]`);
  }

  function mark(id, { scroll }) {
    const old = entry(markedId);
    if (old) {
      old.classList.remove('is-selected');
      old.querySelector('.suggestion-item-title').removeAttribute('aria-current');
    }
    markedId = id;
    const li = entry(id);
    if (!li) return;
    li.classList.add('is-selected');
    li.querySelector('.suggestion-item-title').setAttribute('aria-current', 'true');
    if (scroll) li.scrollIntoView({ block: 'nearest' });
  }

  async function fetchPage(url, append) {
    if (request) request.abort();
    request = new AbortController();
    try {
      const page = await api(url, { signal: request.signal });
      // Focus inside the list stays on the same suggestion when the list is drawn anew.
      const focused = list.contains(document.activeElement) ? document.activeElement : null;
      const focusedId = focused && focused.closest('li[data-id]')?.dataset.id;
      const focusedClass = focused && focused.className;
      if (!append) list.replaceChildren();
      for (const s of page.results) list.append(item(s));
      next = page.next;
      more.hidden = !next;
      if (!append && page.results.length === 0) {
        const empty = url.includes('mine=true') ? gettext('You have not made any suggestions yet.') : listEmpty();
        list.append(element('li', 'suggestion-item suggestion-item--empty', empty));
      }
      mark(markedId, { scroll: false });
      if (focusedId && !list.contains(document.activeElement)) {
        const again = entry(focusedId)?.getElementsByClassName(focusedClass)[0];
        if (again) again.focus({ preventScroll: true });
      }
      document.body.dataset.listLoaded = String(list.querySelectorAll('[data-id]').length);
    } catch (failure) {
      if (failure.name !== 'AbortError') document.body.dataset.listLoaded = 'error';
    }
  }

  more.addEventListener('click', () => next && fetchPage(next, true));

  return {
    mark,
    clear() {
      list.replaceChildren(element('li', 'suggestion-item suggestion-item--empty', listEmpty()));
      more.hidden = true;
    },
    load(query) {
      return fetchPage(`${config.urls.list}?${query}`, false);
    },
  };
}
