// A notice's title_template and content_template, in loonflow's Python `str.format` syntax:
// `{field_key}` is replaced by the value, `{{` and `}}` are braces. Loonflow crashed on a
// name the snapshot lacks and sent nothing; here it renders empty, like an unset value, so
// that one bad placeholder never swallows a notice.

const PLACEHOLDER = /\{\{|\}\}|\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}/g;

const shown = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};

export function renderTemplate(template: string, values: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const key = (name ?? '').trim();
    return Object.hasOwn(values, key) ? shown(values[key]) : '';
  });
}
