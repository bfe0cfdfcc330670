import fc from 'fast-check';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { trim } from './views.js';

// Nunjucks' own filter, as a template calls it.
const nunjucksTrim = (value: unknown): unknown =>
  new nunjucks.Environment().getFilter('trim').call(undefined, value);

const whiteSpace = [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2003', '\u2028', '\ufeff'];
const text = fc
  .array(fc.oneof(fc.constantFrom(...whiteSpace), fc.string({ maxLength: 4 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('the trim filter', () => {
  it('removes exactly what Nunjucks’ own trim removes, from plain and safe strings', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (value, safe) => {
        const input = safe ? new nunjucks.runtime.SafeString(value) : value;
        const ours = trim(input);
        const theirs = nunjucksTrim(input);
        expect(String(ours)).toBe(String(theirs));
        expect(ours instanceof nunjucks.runtime.SafeString).toBe(safe);
        expect(theirs instanceof nunjucks.runtime.SafeString).toBe(safe);
      }),
      { numRuns: 2000 },
    );
  });

  it('is the filter the pages use: a GOV.UK component renders the same with it', () => {
    const env = new nunjucks.Environment(
      new nunjucks.FileSystemLoader('node_modules/govuk-frontend/dist'),
      { autoescape: true },
    );
    const template =
      '{% from "govuk/components/radios/macro.njk" import govukRadios %}' +
      '{{ govukRadios({ name: "site", fieldset: { legend: { text: "Site" } }, items: [{ value: "1", text: "One" }, { value: "2", text: "Two <b>" }] }) }}';
    const before = env.renderString(template, {});
    env.addFilter('trim', trim);
    const after = env.renderString(template, {});
    expect(after).toBe(before);
    expect(after).toContain('Two &lt;b&gt;');
  });
});
