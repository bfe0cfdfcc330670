import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pathOf, validateCatalogue, type Catalogue } from './catalogue.schema.js';
import { SAMPLE_CATALOGUE_FILE } from './qualification.service.js';

const SUBJECTS = [
  'business',
  'applied-science',
  'engineering',
  'information-and-creative-technology',
  'performing-arts',
  'sport',
];
const sampleJson = (): Catalogue =>
  JSON.parse(readFileSync(SAMPLE_CATALOGUE_FILE, 'utf8')) as Catalogue;

/** A small valid catalogue: one qualification of two units. */
function small(): Catalogue {
  return {
    qualifications: [
      {
        id: 'q-one',
        subjectId: 'business',
        title: 'BTEC Level 3 National Certificate in Testing',
        level: '3',
        size: 'Certificate',
        glh: 180,
        units: [
          {
            id: 'u-one-1',
            number: '1',
            title: 'Unit One',
            mandatory: true,
            glh: 120,
            aims: [
              { code: 'A', text: 'Aim A' },
              { code: 'B', text: 'Aim B' },
              { code: 'C', text: 'Aim C' },
            ],
            criteria: [
              { code: 'A.P1', grade: 'pass', text: 'Explain one thing.' },
              { code: 'A.M1', grade: 'merit', text: 'Analyse one thing.' },
              { code: 'A.D1', grade: 'distinction', text: 'Evaluate one thing.' },
              { code: 'B.P2', grade: 'pass', text: 'Explain another thing.' },
              { code: 'BC.D2', grade: 'distinction', text: 'Evaluate two things.' },
            ],
          },
          {
            id: 'u-one-2',
            number: '2',
            title: 'Unit Two',
            mandatory: false,
            glh: 60,
            aims: [{ code: 'A', text: 'Aim A' }],
            criteria: [{ code: 'A.P1', grade: 'pass', text: 'Do it.' }],
          },
        ],
      },
    ],
  };
}

const problemsOf = (input: unknown, subjectIds: string[] = SUBJECTS): string[] => {
  const result = validateCatalogue(input, { subjectIds });
  return result.ok ? [] : result.problems;
};

describe('the sample catalogue file', () => {
  it('is valid, marked as sample data, and covers the six subjects of the brief', () => {
    const json = sampleJson();
    const result = validateCatalogue(json, { subjectIds: SUBJECTS });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(json.note).toMatch(/^SAMPLE DATA/);
    expect(new Set(json.qualifications.map((q) => q.subjectId))).toEqual(new Set(SUBJECTS));
    expect(json.qualifications.length).toBeGreaterThanOrEqual(6);
    expect(json.qualifications.length).toBeLessThanOrEqual(10);
    for (const unit of json.qualifications.flatMap((q) => q.units)) {
      expect(unit.criteria.length, unit.id).toBeGreaterThanOrEqual(4);
      expect(unit.criteria.length, unit.id).toBeLessThanOrEqual(9);
    }
  });

  it('has the Extended Certificate in Business as the brief describes it', () => {
    const business = sampleJson().qualifications.find((q) => q.id === 'q-business-l3-ext-cert');
    expect(business).toMatchObject({
      subjectId: 'business',
      title: 'BTEC Level 3 National Extended Certificate in Business',
      level: '3',
      glh: 360,
    });
    expect(
      business?.units.filter((u) => u.mandatory).map((u) => [u.number, u.title, u.glh]),
    ).toEqual([
      ['1', 'Exploring Business', 90],
      ['2', 'Developing a Marketing Campaign', 90],
      ['3', 'Personal and Business Finance', 120],
    ]);
    expect(business?.units.filter((u) => !u.mandatory).every((u) => u.glh === 60)).toBe(true);
    const criteria = business?.units.flatMap((u) => u.criteria.map((c) => c.code)) ?? [];
    expect(criteria).toEqual(expect.arrayContaining(['A.P1', 'A.M1', 'A.D1', 'BC.D2']));
  });
});

describe('validateCatalogue', () => {
  it('accepts a valid catalogue and returns it', () => {
    const catalogue = small();
    expect(validateCatalogue(catalogue, { subjectIds: SUBJECTS })).toEqual({ ok: true, catalogue });
  });

  it('says what is wrong with a file that is not a catalogue at all', () => {
    expect(problemsOf(null)).toEqual(['catalogue: must be an object with a "qualifications" list']);
    expect(problemsOf([small()])).toEqual([
      'catalogue: must be an object with a "qualifications" list',
    ]);
    expect(problemsOf({ qualifications: [] })).toEqual([
      'qualifications: must be a list of at least one qualification',
    ]);
    expect(problemsOf({ qualifications: 'none' })).toEqual([
      'qualifications: must be a list of at least one qualification',
    ]);
  });

  it('reports the shape of every bad row, each with where it is', () => {
    const c = small() as unknown as { qualifications: Record<string, unknown>[] };
    const q = c.qualifications[0]!;
    const units = q.units as Record<string, unknown>[];
    const criteria = units[0]!.criteria as Record<string, unknown>[];
    delete q.title;
    q.level = 'three';
    q.colour = 'blue';
    units[0]!.glh = 1.5;
    units[1]!.glh = '60';
    units[1]!.mandatory = 'yes';
    units[1]!.number = '';
    criteria[0]!.code = 'A1';
    criteria[1]!.grade = 'good';
    criteria[2]!.text = '   ';
    (units[0]!.aims as Record<string, unknown>[])[2]!.code = 'c';
    expect(problemsOf(c)).toEqual([
      'qualifications[0].colour: is not a field of the catalogue format',
      'qualifications[0].level: must be a level such as 2, 3 or 1/2',
      'qualifications[0].title: is missing',
      'qualifications[0].units[0].aims[2].code: must be one capital letter, such as A',
      'qualifications[0].units[0].criteria[0].code: must look like A.P1, A.M1, A.D1 or BC.D2',
      'qualifications[0].units[0].criteria[1].grade: must be pass, merit or distinction',
      'qualifications[0].units[0].criteria[2].text: must be text of 1 to 2000 characters',
      'qualifications[0].units[0].glh: must be a whole number of guided learning hours, at least 1',
      'qualifications[0].units[1].glh: must be a whole number of guided learning hours, at least 1',
      'qualifications[0].units[1].mandatory: must be true or false',
      'qualifications[0].units[1].number: must be the unit number, such as 1 or 14 (letters and digits)',
    ]);
  });

  it('reports a unit GLH of zero or less, and a qualification without units', () => {
    const c = small();
    c.qualifications[0]!.units[1]!.glh = 0;
    expect(problemsOf(c)).toEqual([
      'qualifications[0].units[1].glh: must be a whole number of guided learning hours, at least 1',
    ]);
    c.qualifications[0]!.units = [];
    expect(problemsOf(c)).toEqual(['qualifications[0].units: must be a list of 1 to 200 units']);
  });

  it('reports an unknown subject', () => {
    const c = small();
    c.qualifications[0]!.subjectId = 'buisness';
    expect(problemsOf(c, ['business', 'sport'])).toEqual([
      'qualifications[0].subjectId: "buisness" is not a subject of myBTEC (business, sport)',
    ]);
  });

  it('reports duplicate qualification ids, unit ids (across qualifications), unit numbers, aims and criteria', () => {
    const c = small();
    const second = structuredClone(c.qualifications[0]!);
    second.units[1]!.id = 'u-two-2';
    c.qualifications.push(second);
    const unit = c.qualifications[0]!.units[0]!;
    c.qualifications[0]!.units[1]!.number = '1';
    unit.aims.push({ code: 'B', text: 'Aim B again' });
    unit.criteria.push(
      { code: 'A.M1', grade: 'merit', text: 'Again.' },
      { code: 'B.P1', grade: 'pass', text: 'P1 again.' },
    );
    expect(problemsOf(c)).toEqual([
      'qualifications[0].units[0].aims[3].code: learning aim B is also qualifications[0].units[0].aims[1]',
      'qualifications[0].units[0].criteria[5].code: A.M1 is also qualifications[0].units[0].criteria[1]',
      'qualifications[0].units[0].criteria[6].code: P1 is used twice in the unit (A.P1 and B.P1)',
      'qualifications[0].units[1].number: unit 1 is also qualifications[0].units[0]',
      'qualifications[1].id: "q-one" is also the id of qualifications[0]',
      'qualifications[1].units[0].id: "u-one-1" is also the id of qualifications[0].units[0]',
    ]);
  });

  it('reports a criterion whose grade does not match its code (P ↔ pass, M ↔ merit, D ↔ distinction)', () => {
    const c = small();
    const criteria = c.qualifications[0]!.units[0]!.criteria;
    criteria[0]!.grade = 'merit';
    criteria[1]!.grade = 'distinction';
    criteria[4]!.grade = 'pass';
    expect(problemsOf(c)).toEqual([
      'qualifications[0].units[0].criteria[0].grade: A.P1 is a pass criterion (P), but its grade is "merit"',
      'qualifications[0].units[0].criteria[1].grade: A.M1 is a merit criterion (M), but its grade is "distinction"',
      'qualifications[0].units[0].criteria[4].grade: BC.D2 is a distinction criterion (D), but its grade is "pass"',
    ]);
  });

  it('reports a criterion of a learning aim the unit does not have, or with its aims out of order', () => {
    const c = small();
    const criteria = c.qualifications[0]!.units[0]!.criteria;
    criteria[3]!.code = 'BD.P2';
    criteria[4]!.code = 'CB.D2';
    c.qualifications[0]!.units[1]!.aims = [];
    expect(problemsOf(c)).toEqual([
      'qualifications[0].units[0].criteria[3].code: learning aim D of BD.P2 is not an aim of the unit (A, B, C)',
      'qualifications[0].units[0].criteria[4].code: the learning aims of CB.D2 must each appear once, in order (such as BC.D2)',
      'qualifications[0].units[1].criteria[0].code: learning aim A of A.P1 is not an aim of the unit (it has none)',
    ]);
  });

  it("reports mandatory units over the qualification's GLH, too few hours in all, and a unit bigger than the qualification", () => {
    const c = small();
    c.qualifications[0]!.units[1]!.mandatory = true;
    c.qualifications[0]!.glh = 150;
    expect(problemsOf(c)).toEqual([
      "qualifications[0].units: the mandatory units add up to 180 guided learning hours, more than the qualification's 150",
    ]);
    c.qualifications[0]!.glh = 200;
    expect(problemsOf(c)).toEqual([
      "qualifications[0].units: all the units together add up to 180 guided learning hours, fewer than the qualification's 200: no course could be complete",
    ]);
    c.qualifications[0]!.glh = 100;
    c.qualifications[0]!.units[1]!.mandatory = false;
    expect(problemsOf(c)).toEqual([
      "qualifications[0].units: the mandatory units add up to 120 guided learning hours, more than the qualification's 100",
      "qualifications[0].units[0].glh: 120 hours is more than the qualification's 100",
    ]);
  });

  it('reports a unit that already belongs to another qualification in the database', () => {
    const result = validateCatalogue(small(), {
      subjectIds: SUBJECTS,
      existingUnits: new Map([['u-one-2', 'q-other']]),
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        'qualifications[0].units[1].id: "u-one-2" is already a unit of qualification "q-other" in the database; give this unit another id',
      ],
    });
  });

  it('reports every bad row of a big file at once, in file order', () => {
    const c = sampleJson();
    c.qualifications[2]!.units[1]!.criteria[0]!.code = 'P1';
    c.qualifications[7]!.units[0]!.glh = -5;
    c.qualifications[0]!.units[0]!.criteria[1]!.grade = 'merit';
    c.qualifications[10 - 5]!.subjectId = 'drama';
    expect(problemsOf(c)).toEqual([
      'qualifications[0].units[0].criteria[1].grade: B.P2 is a pass criterion (P), but its grade is "merit"',
      'qualifications[2].units[1].criteria[0].code: must look like A.P1, A.M1, A.D1 or BC.D2',
      `qualifications[5].subjectId: "drama" is not a subject of myBTEC (${SUBJECTS.join(', ')})`,
      'qualifications[7].units[0].glh: must be a whole number of guided learning hours, at least 1',
    ]);
  });

  it('turns JSON pointers into paths', () => {
    expect(pathOf('')).toBe('catalogue');
    expect(pathOf('/qualifications/2/units/10/code')).toBe('qualifications[2].units[10].code');
    expect(pathOf('/qualifications/0/odd key')).toBe('qualifications[0]["odd key"]');
    expect(pathOf('/qualifications/0/a~1b')).toBe('qualifications[0]["a/b"]');
  });
});
