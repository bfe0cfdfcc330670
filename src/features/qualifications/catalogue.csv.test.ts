import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, parseCsv, validateCatalogueCsv } from './catalogue.csv.js';
import type { Catalogue } from './catalogue.schema.js';
import { SAMPLE_CATALOGUE_FILE } from './qualification.service.js';

const SUBJECTS = [
  'business',
  'applied-science',
  'engineering',
  'information-and-creative-technology',
  'performing-arts',
  'sport',
];

/** How a careful writer quotes a field: only when needed, doubling the quotes inside. */
const quote = (field: string) =>
  /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
const toCsv = (rows: string[][], eol = '\n') =>
  rows.map((row) => row.map(quote).join(',')).join(eol) + eol;

/** A catalogue as CSV: a row per criterion, and a row for each aim no criterion starts with. */
export function catalogueToCsv(catalogue: Catalogue): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const q of catalogue.qualifications) {
    for (const u of q.units) {
      const head = [
        q.id,
        q.subjectId,
        q.title,
        q.level,
        q.size,
        String(q.glh),
        u.id,
        u.number,
        u.title,
        u.mandatory ? 'yes' : 'no',
        String(u.glh),
      ];
      const aimText = (code: string) => u.aims.find((a) => a.code === code)?.text ?? '';
      const used = new Set<string>();
      for (const c of u.criteria) {
        const aim = c.code.charAt(0);
        used.add(aim);
        rows.push([...head, aim, aimText(aim), c.code, c.grade, c.text]);
      }
      for (const a of u.aims.filter((aim) => !used.has(aim.code)))
        rows.push([...head, a.code, a.text, '', '', '']);
    }
  }
  return toCsv(rows);
}

const HEADER = CSV_COLUMNS.join(',');
const QUAL =
  'q-csv,business,"BTEC Level 3 National Certificate in Business, Enterprise and ""Testing""",3,Certificate,120';
const UNIT_1 = 'u-csv-1,1,"Planning, Running and Reviewing",yes,60';
const UNIT_2 = 'u-csv-2,2,Second Unit,no,60';
const csv = (...lines: string[]) => [HEADER, ...lines].join('\n') + '\n';

describe('parseCsv', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    const text = 'a,"b, c","say ""hi""",""\r\n"two\nlines",x,,"y"\n';
    expect(parseCsv(text)).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a', 'b, c', 'say "hi"', ''] },
        { line: 2, fields: ['two\nlines', 'x', '', 'y'] },
      ],
    });
  });

  it('skips blank lines and a byte order mark, keeps line numbers, and reads a last line without a line break', () => {
    expect(parseCsv('\uFEFFh1,h2\n\n1,2\r\n\r\n3,4')).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['h1', 'h2'] },
        { line: 3, fields: ['1', '2'] },
        { line: 5, fields: ['3', '4'] },
      ],
    });
  });

  it('keeps a line break inside quotes as \\n whether the file uses CRLF or LF', () => {
    expect(parseCsv('"a\r\nb"\r\nc\r\n')).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a\nb'] },
        { line: 3, fields: ['c'] },
      ],
    });
  });

  it('refuses malformed quoting with the row', () => {
    expect(parseCsv('a,b\n"open,c\n')).toEqual({
      ok: false,
      problem: 'row 2: a quoted field is never closed (a " is missing)',
    });
    expect(parseCsv('a,b\nx"y,c\n')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^row 2: a " inside a field/),
    });
    expect(parseCsv('a\n"b"c\n')).toEqual({
      ok: false,
      problem: 'row 2: after a closing " there must be a comma or the end of the line',
    });
  });

  it('reads back whatever a careful writer writes', () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r\n', 'é', '1'),
    });
    const rows = fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(rows, fc.constantFrom('\n', '\r\n'), (table, eol) => {
        const parsed = parseCsv(toCsv(table, eol));
        expect(parsed.ok).toBe(true);
        if (parsed.ok)
          expect(parsed.records.map((r) => r.fields)).toEqual(
            table.map((row) => row.map((f) => f.replace(/\r\n/g, '\n'))),
          );
      }),
    );
  });
});

describe('validateCatalogueCsv', () => {
  it('builds the catalogue from one row per criterion, quotes and commas included', () => {
    const text = csv(
      `${QUAL},${UNIT_1},A,"Plan an event, then run it",A.P1,pass,"Produce a plan, with a budget."`,
      `${QUAL},${UNIT_1},A,"Plan an event, then run it",A.M1,Merit,"Justify the plan's ""choices""."`,
      `${QUAL},${UNIT_1},B,Review it,B.P2,pass,Review the event.`,
      `${QUAL},${UNIT_1},B,Review it,AB.D1,distinction,"Evaluate the plan
and the event."`,
      `${QUAL},${UNIT_2},A,Only aim,,,`,
      `${QUAL},${UNIT_2},A,Only aim,A.P1,pass,Do the second thing.`,
    );
    const result = validateCatalogueCsv(text, { subjectIds: SUBJECTS });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.catalogue).toEqual({
      qualifications: [
        {
          id: 'q-csv',
          subjectId: 'business',
          title: 'BTEC Level 3 National Certificate in Business, Enterprise and "Testing"',
          level: '3',
          size: 'Certificate',
          glh: 120,
          units: [
            {
              id: 'u-csv-1',
              number: '1',
              title: 'Planning, Running and Reviewing',
              mandatory: true,
              glh: 60,
              aims: [
                { code: 'A', text: 'Plan an event, then run it' },
                { code: 'B', text: 'Review it' },
              ],
              criteria: [
                { code: 'A.P1', grade: 'pass', text: 'Produce a plan, with a budget.' },
                { code: 'A.M1', grade: 'merit', text: 'Justify the plan\'s "choices".' },
                { code: 'B.P2', grade: 'pass', text: 'Review the event.' },
                { code: 'AB.D1', grade: 'distinction', text: 'Evaluate the plan\nand the event.' },
              ],
            },
            {
              id: 'u-csv-2',
              number: '2',
              title: 'Second Unit',
              mandatory: false,
              glh: 60,
              aims: [{ code: 'A', text: 'Only aim' }],
              criteria: [{ code: 'A.P1', grade: 'pass', text: 'Do the second thing.' }],
            },
          ],
        },
      ],
    });
  });

  it('reads the whole sample catalogue written as CSV back to the same catalogue', () => {
    const sample = JSON.parse(readFileSync(SAMPLE_CATALOGUE_FILE, 'utf8')) as Catalogue;
    const result = validateCatalogueCsv(catalogueToCsv(sample), { subjectIds: SUBJECTS });
    expect(result.ok ? [] : result.problems).toEqual([]);
    const byCode = <T extends { code: string }>(list: T[]) =>
      [...list].sort((a, b) => a.code.localeCompare(b.code));
    const normalise = (c: Catalogue) =>
      c.qualifications.map((q) => ({
        ...q,
        units: q.units.map((u) => ({ ...u, aims: byCode(u.aims) })),
      }));
    expect(result.ok && normalise(result.catalogue)).toEqual(normalise(sample));
  });

  it('reports every bad row with its row number and column, and changes nothing into a catalogue', () => {
    const text = csv(
      `${QUAL},${UNIT_1},A,Aim A,A.P1,pass,Fine.`, // row 2
      `${QUAL},${UNIT_1},A,Aim A,A.X1,pass,Bad code.`, // row 3
      `${QUAL},${UNIT_1},A,Aim A,A.M1,pass,Wrong grade.`, // row 4
      `${QUAL},u-csv-1,1,"Planning, Running and Reviewing",yes,sixty,A,Aim A,A.P2,pass,Bad hours.`, // row 5
      `q-csv,business,Another title,3,Certificate,120,${UNIT_2},A,Aim A,A.P1,pass,Title differs.`, // row 6
      `${QUAL},${UNIT_2},B,Aim B,A.P2,pass,Aim is not the criterion's.`, // row 7
      `${QUAL},${UNIT_2},,,A.P3,pass,No aim.`, // row 8
      `${QUAL},${UNIT_2},A,Aim A,A.P4,pass`, // row 9: a field short
      `q-other,sport,Other,3,Certificate,60,u-csv-2,2,Second Unit,no,60,A,Aim A,A.P1,pass,Unit of another qualification.`, // row 10
      `q-bad,nowhere,Bad,3,Certificate,60,u-bad-1,1,Bad,perhaps,60,A,Aim A,A.P1,pass,Bad subject and mandatory.`, // row 11
    );
    const result = validateCatalogueCsv(text, { subjectIds: SUBJECTS });
    expect(result.ok ? [] : result.problems).toEqual([
      'row 3, criterion_code: must look like A.P1, A.M1, A.D1 or BC.D2',
      'row 4, grade: A.M1 is a merit criterion (M), but its grade is "pass"',
      'row 5, unit_glh: "sixty" differs from row 2 ("60")',
      'row 6, qualification_title: "Another title" differs from row 2 ("BTEC Level 3 National Certificate in Business, Enterprise and "Testing"")',
      'row 7, aim_code: B is not a learning aim of criterion A.P2',
      'row 8, aim_code: give the learning aim of criterion A.P3',
      'row 9: has 15 fields where the header has 16',
      'row 10, unit_id: "u-csv-2" is already a unit of qualification "q-csv" (row 6)',
      `row 11, subject_id: "nowhere" is not a subject of myBTEC (${SUBJECTS.join(', ')})`,
      'row 11, mandatory: must be true or false',
    ]);
  });

  it('reports problems of a unit or a qualification as a whole at its first row', () => {
    const text = csv(
      `q-small,business,Small,3,Certificate,200,u-small-1,1,One,yes,60,A,Aim A,A.P1,pass,One.`,
      `q-small,business,Small,3,Certificate,200,u-small-1,1,One,yes,60,A,Aim A,A.P1,pass,One again.`,
    );
    expect(validateCatalogueCsv(text, { subjectIds: SUBJECTS })).toEqual({
      ok: false,
      problems: [
        "row 2 (qualification q-small): all the units together add up to 60 guided learning hours, fewer than the qualification's 200: no course could be complete",
        'row 3, criterion_code: A.P1 is also qualifications[0].units[0].criteria[0]',
      ],
    });
  });

  it('checks the header: missing, unknown and repeated columns', () => {
    const columns = CSV_COLUMNS.filter((c) => c !== 'grade' && c !== 'aim_text');
    expect(validateCatalogueCsv([...columns, 'colour', 'size'].join(',') + '\n')).toEqual({
      ok: false,
      problems: [
        'row 1: missing columns aim_text, grade',
        'row 1: column 15 "colour" is not a column of the catalogue format',
        'row 1: column size appears twice',
      ],
    });
    expect(validateCatalogueCsv('')).toEqual({
      ok: false,
      problems: ['row 1: the file is empty; the first row must name the columns'],
    });
    expect(validateCatalogueCsv(`${HEADER}\n`)).toEqual({
      ok: false,
      problems: ['row 2: there are no rows after the header'],
    });
  });

  it('accepts columns in any order and in any case', () => {
    const shuffled = [...CSV_COLUMNS].reverse();
    const values: Record<string, string> = {
      qualification_id: 'q-x',
      subject_id: 'sport',
      qualification_title: 'X',
      level: '2',
      size: 'Award',
      qualification_glh: '30',
      unit_id: 'u-x-1',
      unit_number: '1',
      unit_title: 'X1',
      mandatory: 'Mandatory',
      unit_glh: '30',
      aim_code: 'A',
      aim_text: 'Aim',
      criterion_code: 'A.P1',
      grade: 'PASS',
      criterion_text: 'Do it.',
    };
    const text = toCsv([
      shuffled.map((c) => c.toUpperCase()),
      shuffled.map((c) => values[c] ?? ''),
    ]);
    const result = validateCatalogueCsv(text, { subjectIds: SUBJECTS });
    expect(result.ok && result.catalogue.qualifications[0]?.units[0]).toMatchObject({
      mandatory: true,
      criteria: [{ code: 'A.P1', grade: 'pass' }],
    });
  });
});
