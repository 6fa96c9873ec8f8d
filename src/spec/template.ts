// The spec language's one piece of syntax inside strings: {{name}} or
// {{name|filter}} / {{name|filter:arg}}. Kept tiny on purpose: what a spec
// cannot say with these, it says with steps, not with an expression language.

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*((?:\|\s*[a-z-]+(?::[^|}\s]+)?\s*)*)\}\}/g;

export interface TemplateRef {
  name: string;
  filters: Array<{ name: string; arg?: string }>;
}

export type Filter = (value: string, arg: string | undefined) => string;

export class TemplateError extends Error {}

const BASE_FILTERS: Record<string, Filter> = {
  upper: (v) => v.toUpperCase(),
  lower: (v) => v.toLowerCase(),
  trim: (v) => v.trim(),
};

const filters: Record<string, Filter> = { ...BASE_FILTERS };

/** Lets a protocol module add filters (e.g. `weak` for entity-tags, `date:+1s`). */
export function registerFilter(name: string, fn: Filter): void {
  filters[name] = fn;
}

export function knownFilter(name: string): boolean {
  return name in filters;
}

function parseFilters(chain: string): TemplateRef['filters'] {
  return chain
    .split('|')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => {
      const colon = f.indexOf(':');
      return colon < 0 ? { name: f } : { name: f.slice(0, colon), arg: f.slice(colon + 1) };
    });
}

/** Every placeholder a string uses, for checking a spec before it runs. */
export function templateRefs(s: string): TemplateRef[] {
  return [...s.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1], filters: parseFilters(m[2]) }));
}

/** Fills in every placeholder; an unknown variable or filter is a spec error, never an empty string. */
export function renderTemplate(s: string, vars: Readonly<Record<string, string>>): string {
  return s.replace(PLACEHOLDER, (_all, name: string, chain: string) => {
    if (!(name in vars)) throw new TemplateError(`unknown variable {{${name}}}`);
    return parseFilters(chain).reduce((value, f) => {
      const fn = filters[f.name];
      if (!fn) throw new TemplateError(`unknown filter "${f.name}" in {{${name}}}`);
      return fn(value, f.arg);
    }, vars[name]);
  });
}
