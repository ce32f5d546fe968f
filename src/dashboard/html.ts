/**
 * The dashboard's only way to build markup: a tagged template that escapes every interpolated value
 * unless it is already `SafeHtml` (the output of another `html` template). Arrays are joined; null,
 * undefined and false render as nothing, so `${cond && html`…`}` reads naturally.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Renderable = SafeHtml | string | number | boolean | null | undefined | Renderable[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: Renderable): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup from a trusted constant (the stylesheet, a script); never pass user data here. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** ` aria-current="page"` when the link is where the user is, nothing otherwise. */
export function currentIf(condition: boolean): SafeHtml {
  return new SafeHtml(condition ? ' aria-current="page"' : '');
}
