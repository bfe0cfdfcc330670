import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

/*
 * The file format of the qualification catalogue (catalogue/qualifications.sample.json, and the files
 * `npm run catalogue:import` reads), and its validation. The TypeBox schema checks the shape of each
 * row; `validateCatalogue` then checks what a schema cannot (ids unique across the file, criterion
 * codes against their grade and the unit's learning aims, GLH adding up) and reports every bad row
 * with where it is, e.g. `qualifications[2].units[1].criteria[0].code: must look like A.P1, …`.
 */

export const GRADES = ['pass', 'merit', 'distinction'] as const;
export type Grade = (typeof GRADES)[number];

/** The grade each criterion letter stands for: A.P1 is a pass, A.M1 a merit, A.D1 a distinction. */
const GRADE_OF_LETTER: Record<string, Grade> = { P: 'pass', M: 'merit', D: 'distinction' };

/** A criterion code: the learning aim letter(s), a dot, P/M/D and a number — `A.P1`, `BC.D2`. */
export const CRITERION_CODE = /^([A-Z]{1,6})\.([PMD])([1-9][0-9]?)$/;

// `errorMessage` is ours: the sentence reported when a value breaks the rule (see messageOf below).
const rule = (errorMessage: string) => ({ errorMessage });

const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$',
  ...rule(
    'must be 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  ),
});
const Text = (max: number) =>
  Type.String({
    minLength: 1,
    maxLength: max,
    pattern: '\\S',
    ...rule(`must be text of 1 to ${max} characters`),
  });
const Hours = Type.Integer({
  minimum: 1,
  maximum: 5000,
  ...rule('must be a whole number of guided learning hours, at least 1'),
});

export const CatalogueCriterion = Type.Object(
  {
    code: Type.String({
      pattern: CRITERION_CODE.source,
      ...rule('must look like A.P1, A.M1, A.D1 or BC.D2'),
    }),
    grade: Type.Union(
      GRADES.map((g) => Type.Literal(g)),
      rule('must be pass, merit or distinction'),
    ),
    text: Text(2000),
  },
  { additionalProperties: false },
);

export const CatalogueAim = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z]$', ...rule('must be one capital letter, such as A') }),
    text: Text(500),
  },
  { additionalProperties: false },
);

export const CatalogueUnit = Type.Object(
  {
    id: Id,
    number: Type.String({
      pattern: '^[A-Za-z0-9]{1,10}$',
      ...rule('must be the unit number, such as 1 or 14 (letters and digits)'),
    }),
    title: Text(200),
    mandatory: Type.Boolean(rule('must be true or false')),
    glh: Hours,
    aims: Type.Array(CatalogueAim, {
      maxItems: 26,
      ...rule('must be a list of at most 26 learning aims'),
    }),
    criteria: Type.Array(CatalogueCriterion, {
      maxItems: 100,
      ...rule('must be a list of at most 100 assessment criteria'),
    }),
  },
  { additionalProperties: false },
);

export const CatalogueQualification = Type.Object(
  {
    id: Id,
    subjectId: Type.String({
      minLength: 1,
      maxLength: 100,
      ...rule('must be the id of a subject, such as business'),
    }),
    title: Text(200),
    level: Type.String({
      pattern: '^(Entry|[1-8](/[1-8])?)$',
      ...rule('must be a level such as 2, 3 or 1/2'),
    }),
    size: Text(100),
    glh: Hours,
    units: Type.Array(CatalogueUnit, {
      minItems: 1,
      maxItems: 200,
      ...rule('must be a list of 1 to 200 units'),
    }),
  },
  { additionalProperties: false },
);

/** A catalogue file: a note (say whether it is sample data) and the qualifications. */
export const CatalogueSchema = Type.Object(
  {
    note: Type.Optional(Type.String(rule('must be text'))),
    qualifications: Type.Array(CatalogueQualification, {
      minItems: 1,
      ...rule('must be a list of at least one qualification'),
    }),
  },
  { additionalProperties: false, ...rule('must be an object with a "qualifications" list') },
);

export type Catalogue = Static<typeof CatalogueSchema>;
export type CatalogueQualification = Static<typeof CatalogueQualification>;
export type CatalogueUnit = Static<typeof CatalogueUnit>;

export type CatalogueValidation =
  { ok: true; catalogue: Catalogue } | { ok: false; problems: string[] };

export interface ValidateOptions {
  /** The subjects of myBTEC (the database's): a qualification's `subjectId` must be one of them. */
  subjectIds?: Iterable<string>;
  /**
   * Units already in the database, unit id → qualification id: a unit cannot move to another
   * qualification (courses are built from it).
   */
  existingUnits?: ReadonlyMap<string, string>;
}

/** `/qualifications/2/units/1/code` → `qualifications[2].units[1].code`. */
export function pathOf(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const part of parts) {
    if (/^(0|[1-9][0-9]*)$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? 'catalogue' : out;
}

function messageOf(error: ValueError): string {
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is missing';
  if (error.type === ValueErrorType.ObjectAdditionalProperties)
    return 'is not a field of the catalogue format';
  const custom = (error.schema as TSchema & { errorMessage?: unknown }).errorMessage;
  return typeof custom === 'string' ? custom : error.message;
}

// Compiled on first use: checking the sample catalogue this way takes well under a millisecond.
let compiled: TypeCheck<typeof CatalogueSchema> | undefined;

/** Problems sorted by where they are (qualifications[2] before qualifications[10]); stable within a place. */
function inFileOrder(problems: string[]): string[] {
  const where = (problem: string) => problem.slice(0, problem.indexOf(': '));
  return problems
    .map((problem, index) => ({ problem, index, where: where(problem) }))
    .sort((a, b) => a.where.localeCompare(b.where, 'en', { numeric: true }) || a.index - b.index)
    .map((entry) => entry.problem);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const positiveInt = (value: unknown): number | undefined =>
  Number.isInteger(value) && (value as number) > 0 ? (value as number) : undefined;

/**
 * Checks a parsed catalogue file. Every bad row is reported, each problem starting with where it
 * is; the catalogue is returned (typed) only when there is none.
 */
export function validateCatalogue(
  input: unknown,
  options: ValidateOptions = {},
): CatalogueValidation {
  const problems: string[] = [];
  const reported = new Set<string>();
  const report = (where: string, message: string) => {
    const line = `${where}: ${message}`;
    if (!reported.has(line)) {
      reported.add(line);
      problems.push(line);
    }
  };

  // 1. The shape of every row, one problem per place (the first rule it breaks).
  const shapeReported = new Set<string>();
  const check = (compiled ??= TypeCompiler.Compile(CatalogueSchema));
  for (const error of check.Check(input) ? [] : check.Errors(input)) {
    const where = pathOf(error.path);
    if (shapeReported.has(where)) continue;
    shapeReported.add(where);
    report(where, messageOf(error));
  }

  // 2. What the schema cannot say. Written defensively: rows of the wrong shape were reported above.
  const subjects = options.subjectIds ? new Set(options.subjectIds) : undefined;
  const qualificationIds = new Map<string, string>();
  const unitIds = new Map<string, string>();
  const qualifications = isObject(input) ? list(input.qualifications) : [];
  qualifications.forEach((q, qi) => {
    if (!isObject(q)) return;
    const qPath = `qualifications[${qi}]`;
    const qId = str(q.id);
    if (qId !== undefined) {
      const first = qualificationIds.get(qId);
      if (first) report(`${qPath}.id`, `"${qId}" is also the id of ${first}`);
      else qualificationIds.set(qId, qPath);
    }
    const subjectId = str(q.subjectId);
    if (subjects && subjectId !== undefined && subjectId !== '' && !subjects.has(subjectId)) {
      report(
        `${qPath}.subjectId`,
        `"${subjectId}" is not a subject of myBTEC (${[...subjects].join(', ')})`,
      );
    }
    const qGlh = positiveInt(q.glh);
    const units = list(q.units);
    const numbers = new Map<string, string>();
    let mandatoryGlh = 0;
    let totalGlh = 0;
    let allHoursKnown = true;

    units.forEach((u, ui) => {
      if (!isObject(u)) {
        allHoursKnown = false;
        return;
      }
      const uPath = `${qPath}.units[${ui}]`;
      const uId = str(u.id);
      if (uId !== undefined) {
        const first = unitIds.get(uId);
        if (first) report(`${uPath}.id`, `"${uId}" is also the id of ${first}`);
        else unitIds.set(uId, uPath);
        const owner = options.existingUnits?.get(uId);
        if (owner !== undefined && qId !== undefined && owner !== qId) {
          report(
            `${uPath}.id`,
            `"${uId}" is already a unit of qualification "${owner}" in the database; give this unit another id`,
          );
        }
      }
      const number = str(u.number);
      if (number !== undefined) {
        const first = numbers.get(number.toUpperCase());
        if (first) report(`${uPath}.number`, `unit ${number} is also ${first}`);
        else numbers.set(number.toUpperCase(), uPath);
      }
      const uGlh = positiveInt(u.glh);
      if (uGlh === undefined) allHoursKnown = false;
      else {
        totalGlh += uGlh;
        if (u.mandatory === true) mandatoryGlh += uGlh;
        if (qGlh !== undefined && uGlh > qGlh)
          report(`${uPath}.glh`, `${uGlh} hours is more than the qualification's ${qGlh}`);
      }
      if (typeof u.mandatory !== 'boolean') allHoursKnown = false;

      const aimCodes = new Map<string, string>();
      // A criterion's aims are only checked against well-formed aims (a bad aim is reported already).
      let aimsWellFormed = Array.isArray(u.aims);
      list(u.aims).forEach((a, ai) => {
        const code = isObject(a) ? str(a.code) : undefined;
        if (code === undefined || !/^[A-Z]$/.test(code)) aimsWellFormed = false;
        if (code === undefined) return;
        const first = aimCodes.get(code);
        if (first) report(`${uPath}.aims[${ai}].code`, `learning aim ${code} is also ${first}`);
        else aimCodes.set(code, `${uPath}.aims[${ai}]`);
      });

      const codes = new Map<string, string>();
      const numbered = new Map<string, string>();
      list(u.criteria).forEach((c, ci) => {
        if (!isObject(c)) return;
        const cPath = `${uPath}.criteria[${ci}]`;
        const code = str(c.code);
        const match = code === undefined ? null : CRITERION_CODE.exec(code);
        if (code === undefined || !match) return;
        const [, aims = '', letter = '', n = ''] = match;
        const first = codes.get(code);
        if (first) {
          report(`${cPath}.code`, `${code} is also ${first}`);
          return;
        }
        codes.set(code, cPath);
        const sameNumber = numbered.get(`${letter}${n}`);
        if (sameNumber)
          report(
            `${cPath}.code`,
            `${letter}${n} is used twice in the unit (${sameNumber} and ${code})`,
          );
        else numbered.set(`${letter}${n}`, code);
        const expected = GRADE_OF_LETTER[letter];
        const grade = str(c.grade);
        if (
          expected &&
          grade !== undefined &&
          (GRADES as readonly string[]).includes(grade) &&
          grade !== expected
        ) {
          report(
            `${cPath}.grade`,
            `${code} is a ${expected} criterion (${letter}), but its grade is "${grade}"`,
          );
        }
        const letters = [...aims];
        if (
          new Set(letters).size !== letters.length ||
          letters.join('') !== [...letters].sort().join('')
        ) {
          report(
            `${cPath}.code`,
            `the learning aims of ${code} must each appear once, in order (such as BC.D2)`,
          );
        }
        const unknown = letters.filter((l) => !aimCodes.has(l));
        if (unknown.length > 0 && aimsWellFormed) {
          const known = [...aimCodes.keys()];
          report(
            `${cPath}.code`,
            `learning aim ${unknown.join(' and ')} of ${code} is not an aim of the unit (${known.length ? known.join(', ') : 'it has none'})`,
          );
        }
      });
    });

    if (qGlh !== undefined && allHoursKnown && Array.isArray(q.units)) {
      if (mandatoryGlh > qGlh) {
        report(
          `${qPath}.units`,
          `the mandatory units add up to ${mandatoryGlh} guided learning hours, more than the qualification's ${qGlh}`,
        );
      }
      if (units.length > 0 && totalGlh < qGlh) {
        report(
          `${qPath}.units`,
          `all the units together add up to ${totalGlh} guided learning hours, fewer than the qualification's ${qGlh}: no course could be complete`,
        );
      }
    }
  });

  if (problems.length > 0) return { ok: false, problems: inFileOrder(problems) };
  return { ok: true, catalogue: input as Catalogue };
}
