// The page's texts: Django's JavaScript catalogue (frontend/js_catalogue.py) is a script the page loads before
// its bundle; it puts gettext, ngettext and interpolate on window.django. Every text a script shows is
// written here as gettext('…') with a literal, so `make messages` finds it for locale/*/djangojs.po.
// Without the catalogue (it failed to load) the page still works, in English.

const django = globalThis.django || {};

export const gettext = django.gettext || ((msgid) => msgid);

export const ngettext = django.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural));

// Named placeholders only: interpolate('%(count)s points', { count }). A literal percent sign is a plain "%"
// in these texts (the catalogue's interpolate knows no "%%").
export function interpolate(template, values) {
  if (django.interpolate) return django.interpolate(template, values, true);
  return template.replace(/%\((\w+)\)s/g, (match, name) => String(values[name]));
}
