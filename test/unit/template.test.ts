import { describe, it, expect } from 'vitest';
import {
  knownFilter,
  registerFilter,
  renderTemplate,
  replacePlaceholders,
  templateRefs,
} from '../../src/spec/template.js';
import { TemplateError } from '../../src/errors.js';

const vars = { uid: 'ab12', name: 'World', padded: '  x  ' };

describe('renderTemplate', () => {
  it('fills in variables, with or without spaces inside the braces', () => {
    expect(renderTemplate('hello {{name}} {{ uid }}!', vars)).toBe('hello World ab12!');
  });

  it('applies filters left to right', () => {
    expect(renderTemplate('{{uid|upper}}', vars)).toBe('AB12');
    expect(renderTemplate('{{name | lower}}', vars)).toBe('world');
    expect(renderTemplate('[{{padded|trim|upper}}]', vars)).toBe('[X]');
  });

  it('leaves text without placeholders, and braces that are not one, alone', () => {
    expect(renderTemplate('no placeholders', vars)).toBe('no placeholders');
    expect(renderTemplate('{ {uid} } {{1abc}} {{}}', vars)).toBe('{ {uid} } {{1abc}} {{}}');
  });

  it('makes a lookalike: the last letter or digit changed within its class, so hex stays hex', () => {
    const ids = { hex: '0123456789abcdef0123456789abcdef', uuid: '8f2c-4e1a-9b3f', b64: 'Zz_-', end: 'a9', sep: '--' };
    expect(renderTemplate('{{hex|lookalike}}', ids)).toBe('0123456789abcdef0123456789abcdea');
    expect(renderTemplate('{{uuid|lookalike}}', ids)).toBe('8f2c-4e1a-9b3a');
    expect(renderTemplate('{{b64|lookalike}}', ids)).toBe('Zg_-');
    expect(renderTemplate('{{end|lookalike}}', ids)).toBe('a0');
    expect(() => renderTemplate('{{sep|lookalike}}', ids)).toThrow(
      '"--" has no letter or digit, so it has no lookalike',
    );
  });

  it('passes a filter its argument', () => {
    registerFilter('x-suffix', (v, arg) => `${v}${arg ?? '?'}`);
    expect(renderTemplate('{{uid|x-suffix:!!}} {{uid|x-suffix}}', vars)).toBe('ab12!! ab12?');
  });

  it('throws TemplateError for an unknown variable, never renders it empty', () => {
    expect(() => renderTemplate('a {{nope}} b', vars)).toThrow(TemplateError);
    expect(() => renderTemplate('a {{nope}} b', vars)).toThrow('unknown variable {{nope}}');
  });

  it('throws TemplateError for an unknown filter', () => {
    expect(() => renderTemplate('{{uid|shout}}', vars)).toThrow(new TemplateError('unknown filter "shout" in {{uid}}'));
  });

  it('does not take names from Object.prototype as variables or filters', () => {
    expect(() => renderTemplate('{{constructor}}', vars)).toThrow('unknown variable {{constructor}}');
    expect(() => renderTemplate('{{uid|constructor}}', vars)).toThrow('unknown filter "constructor" in {{uid}}');
    expect(knownFilter('constructor')).toBe(false);
  });
});

describe('templateRefs', () => {
  it('lists every placeholder with its filters and arguments', () => {
    expect(templateRefs('{{a}} and {{ b | upper | x-suffix:1 }}')).toStrictEqual([
      { name: 'a', filters: [] },
      { name: 'b', filters: [{ name: 'upper' }, { name: 'x-suffix', arg: '1' }] },
    ]);
  });

  it('finds nothing in plain text', () => {
    expect(templateRefs('plain {text}')).toStrictEqual([]);
  });
});

describe('knownFilter', () => {
  it('knows the base filters and nothing else by accident', () => {
    expect(['upper', 'lower', 'trim'].map(knownFilter)).toStrictEqual([true, true, true]);
    expect(knownFilter('shout')).toBe(false);
  });
});

describe('replacePlaceholders', () => {
  it('stands in for every placeholder, filters and all', () => {
    expect(replacePlaceholders('^ID {{uid|upper}} of {{ n }}$', 'x')).toBe('^ID x of x$');
  });

  it('keeps "$" in the stand-in literally', () => {
    expect(replacePlaceholders('{{a}}', '$&$1')).toBe('$&$1');
  });
});
