import {
  validateCatalogue,
  type CatalogueValidation,
  type ValidateOptions,
} from './catalogue.schema.js';

/*
 * The catalogue as CSV: one row per assessment criterion, the qualification and unit repeated on
 * each of their rows. No CSV library is installed, so this is a small RFC 4180 reader: fields
 * separated by commas, optionally in double quotes, where a field in quotes may hold commas, line
 * breaks and doubled quotes (""). Problems are reported by row: the line a record starts on, the
 * header being row 1, as a spreadsheet numbers them.
 */

export const CSV_COLUMNS = [
  'qualification_id',
  'subject_id',
  'qualification_title',
  'level',
  'size',
  'qualification_glh',
  'unit_id',
  'unit_number',
  'unit_title',
  'mandatory',
  'unit_glh',
  'aim_code',
  'aim_text',
  'criterion_code',
  'grade',
  'criterion_text',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

export interface CsvRecord {
  /** The line the record starts on (1 is the first line). */
  line: number;
  fields: string[];
}

export type CsvParse = { ok: true; records: CsvRecord[] } | { ok: false; problem: string };

/** Reads CSV text into records. Blank lines are skipped; a byte order mark is ignored. */
export function parseCsv(text: string): CsvParse {
  const records: CsvRecord[] = [];
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"' && field === '') {
      // A quoted field: runs to the next quote that is not doubled.
      const startLine = line;
      i += 1;
      for (;;) {
        if (i >= source.length)
          return {
            ok: false,
            problem: `row ${startLine}: a quoted field is never closed (a " is missing)`,
          };
        const c = source[i];
        if (c === '"') {
          if (source[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (c === '\n') line += 1;
        // A line break inside a field is kept as \n, whichever way the file ends its lines.
        if (c === '\r' && source[i + 1] === '\n') {
          i += 1;
          continue;
        }
        field += c;
        i += 1;
      }
      const next = source[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        return {
          ok: false,
          problem: `row ${line}: after a closing " there must be a comma or the end of the line`,
        };
      }
      continue;
    }
    if (ch === '"')
      return {
        ok: false,
        problem: `row ${line}: a " inside a field that does not start with one; put the field in quotes and double the " inside`,
      };
    if (ch === ',') {
      fields.push(field);
      field = '';
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += ch;
    i += 1;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { ok: true, records };
}

const MANDATORY: Record<string, boolean> = {
  yes: true,
  y: true,
  true: true,
  '1': true,
  mandatory: true,
  no: false,
  n: false,
  false: false,
  '0': false,
  optional: false,
};

/** A number of hours when the text is one, else the text itself (so that the schema reports it). */
const hours = (text: string): number | string => (/^[0-9]{1,6}$/.test(text) ? Number(text) : text);

/** Where each catalogue path came from: the row, what it is, and the column of each field. */
interface Origin {
  row: number;
  label: string;
  columns: Partial<Record<string, Column>>;
}

const QUALIFICATION_COLUMNS: Record<string, Column> = {
  id: 'qualification_id',
  subjectId: 'subject_id',
  title: 'qualification_title',
  level: 'level',
  size: 'size',
  glh: 'qualification_glh',
};
const UNIT_COLUMNS: Record<string, Column> = {
  id: 'unit_id',
  number: 'unit_number',
  title: 'unit_title',
  mandatory: 'mandatory',
  glh: 'unit_glh',
};
const AIM_COLUMNS: Record<string, Column> = { code: 'aim_code', text: 'aim_text' };
const CRITERION_COLUMNS: Record<string, Column> = {
  code: 'criterion_code',
  grade: 'grade',
  text: 'criterion_text',
};

interface UnitDraft {
  row: number;
  values: Record<string, unknown>;
  aims: { row: number; code: string; text: string }[];
  criteria: { row: number; code: string; grade: string; text: string }[];
}
interface QualificationDraft {
  row: number;
  values: Record<string, unknown>;
  units: UnitDraft[];
}

/**
 * Reads a catalogue from CSV text and validates it as `validateCatalogue` does; every problem is
 * reported with its row (and column), such as `row 7, criterion_code: must look like A.P1, …`.
 */
export function validateCatalogueCsv(
  text: string,
  options: ValidateOptions = {},
): CatalogueValidation {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
  const [header, ...rows] = parsed.records;
  if (!header)
    return {
      ok: false,
      problems: ['row 1: the file is empty; the first row must name the columns'],
    };

  const names = header.fields.map((name) => name.trim().toLowerCase());
  const problems: string[] = [];
  const missing = CSV_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0)
    problems.push(
      `row ${header.line}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  names.forEach((name, index) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(name))
      problems.push(
        `row ${header.line}: column ${index + 1} "${header.fields[index] ?? ''}" is not a column of the catalogue format`,
      );
    else if (names.indexOf(name) !== index)
      problems.push(`row ${header.line}: column ${name} appears twice`);
  });
  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0)
    return { ok: false, problems: [`row ${header.line + 1}: there are no rows after the header`] };

  const indexOf = Object.fromEntries(
    CSV_COLUMNS.map((column) => [column, names.indexOf(column)]),
  ) as Record<Column, number>;
  const qualifications = new Map<string, QualificationDraft>();
  const unitOwners = new Map<string, { qualificationId: string; row: number }>();

  // Columns repeated on every row of a qualification (or unit, or aim) must agree with its first row.
  const agree = (
    row: number,
    column: Column,
    value: string,
    first: { row: number; value: string },
  ) => {
    if (value !== first.value)
      problems.push(
        `row ${row}, ${column}: "${value}" differs from row ${first.row} ("${first.value}")`,
      );
  };
  const firstValues = new Map<string, { row: number; value: string }>();
  const remember = (key: string, row: number, column: Column, value: string) => {
    const first = firstValues.get(`${key}|${column}`);
    if (first) agree(row, column, value, first);
    else firstValues.set(`${key}|${column}`, { row, value });
  };

  for (const record of rows) {
    const row = record.line;
    if (record.fields.length !== names.length) {
      problems.push(
        `row ${row}: has ${record.fields.length} fields where the header has ${names.length}`,
      );
      continue;
    }
    const cell = (column: Column) => (record.fields[indexOf[column]] ?? '').trim();
    const qualificationId = cell('qualification_id');
    const unitId = cell('unit_id');
    if (qualificationId === '') {
      problems.push(`row ${row}, qualification_id: is missing`);
      continue;
    }
    if (unitId === '') {
      problems.push(`row ${row}, unit_id: is missing`);
      continue;
    }

    const owner = unitOwners.get(unitId);
    if (owner && owner.qualificationId !== qualificationId) {
      problems.push(
        `row ${row}, unit_id: "${unitId}" is already a unit of qualification "${owner.qualificationId}" (row ${owner.row})`,
      );
      continue;
    }
    let qualification = qualifications.get(qualificationId);
    if (!qualification) {
      qualification = {
        row,
        values: {
          id: qualificationId,
          subjectId: cell('subject_id'),
          title: cell('qualification_title'),
          level: cell('level'),
          size: cell('size'),
          glh: hours(cell('qualification_glh')),
        },
        units: [],
      };
      qualifications.set(qualificationId, qualification);
    }
    for (const column of [
      'subject_id',
      'qualification_title',
      'level',
      'size',
      'qualification_glh',
    ] as const) {
      remember(`q:${qualificationId}`, row, column, cell(column));
    }

    let unit = qualification.units.find((u) => u.values.id === unitId);
    if (!unit) {
      const mandatory = MANDATORY[cell('mandatory').toLowerCase()];
      unit = {
        row,
        values: {
          id: unitId,
          number: cell('unit_number'),
          title: cell('unit_title'),
          mandatory: mandatory ?? cell('mandatory'),
          glh: hours(cell('unit_glh')),
        },
        aims: [],
        criteria: [],
      };
      qualification.units.push(unit);
      unitOwners.set(unitId, { qualificationId, row });
    }
    for (const column of ['unit_number', 'unit_title', 'mandatory', 'unit_glh'] as const)
      remember(`u:${unitId}`, row, column, cell(column));

    const aimCode = cell('aim_code');
    const aimText = cell('aim_text');
    const criterionCode = cell('criterion_code');
    const grade = cell('grade').toLowerCase();
    const criterionText = cell('criterion_text');
    if (aimCode !== '') {
      if (!unit.aims.some((aim) => aim.code === aimCode))
        unit.aims.push({ row, code: aimCode, text: aimText });
      remember(`a:${unitId}:${aimCode}`, row, 'aim_text', aimText);
    } else if (aimText !== '') {
      problems.push(`row ${row}, aim_code: is missing (aim_text is given)`);
    }

    const hasCriterion = criterionCode !== '' || grade !== '' || criterionText !== '';
    if (!hasCriterion) continue;
    if (aimCode === '')
      problems.push(
        `row ${row}, aim_code: give the learning aim of criterion ${criterionCode || '(no code)'}`,
      );
    else {
      const prefix = /^([A-Z]+)\./.exec(criterionCode)?.[1];
      if (prefix && !prefix.includes(aimCode)) {
        problems.push(
          `row ${row}, aim_code: ${aimCode} is not a learning aim of criterion ${criterionCode}`,
        );
      }
    }
    unit.criteria.push({ row, code: criterionCode, grade, text: criterionText });
  }

  // The catalogue as JSON, and where each of its rows came from.
  const origins = new Map<string, Origin>();
  const catalogue = {
    qualifications: [...qualifications.values()].map((q, qi) => {
      origins.set(`qualifications[${qi}]`, {
        row: q.row,
        label: `qualification ${String(q.values.id)}`,
        columns: QUALIFICATION_COLUMNS,
      });
      return {
        ...q.values,
        units: q.units.map((u, ui) => {
          const uPath = `qualifications[${qi}].units[${ui}]`;
          origins.set(uPath, {
            row: u.row,
            label: `unit ${String(u.values.id)}`,
            columns: UNIT_COLUMNS,
          });
          return {
            ...u.values,
            aims: u.aims.map((a, ai) => {
              origins.set(`${uPath}.aims[${ai}]`, {
                row: a.row,
                label: `learning aim ${a.code}`,
                columns: AIM_COLUMNS,
              });
              return { code: a.code, text: a.text };
            }),
            criteria: u.criteria.map((c, ci) => {
              origins.set(`${uPath}.criteria[${ci}]`, {
                row: c.row,
                label: `criterion ${c.code}`,
                columns: CRITERION_COLUMNS,
              });
              return { code: c.code, grade: c.grade, text: c.text };
            }),
          };
        }),
      };
    }),
  };

  const result = validateCatalogue(catalogue, options);
  if (!result.ok) problems.push(...result.problems.map((problem) => locate(problem, origins)));
  if (problems.length > 0) return { ok: false, problems: byRow(problems) };
  return result;
}

/** Problems in the order of their rows (stable within a row). */
function byRow(problems: string[]): string[] {
  const rowOf = (problem: string) => Number(/^row (\d+)/.exec(problem)?.[1] ?? 0);
  return problems
    .map((problem, index) => ({ problem, index, row: rowOf(problem) }))
    .sort((a, b) => a.row - b.row || a.index - b.index)
    .map((entry) => entry.problem);
}

/** `qualifications[0].units[1].criteria[2].code: …` → `row 9, criterion_code: …`. */
function locate(problem: string, origins: ReadonlyMap<string, Origin>): string {
  const separator = problem.indexOf(': ');
  const path = problem.slice(0, separator);
  const message = problem.slice(separator + 2);
  const match = /^(.*?)(?:\.([A-Za-z]+))?$/.exec(path);
  let owner = match?.[1] ?? path;
  let field = match?.[2];
  // The nearest row the path belongs to: `qualifications[0].units` belongs to qualifications[0].
  while (owner !== '' && !origins.has(owner)) {
    const cut = Math.max(owner.lastIndexOf('.'), owner.lastIndexOf('['));
    field = undefined;
    owner = cut > 0 ? owner.slice(0, cut) : '';
  }
  const origin = origins.get(owner);
  if (!origin) return problem;
  const column = field ? origin.columns[field] : undefined;
  return column
    ? `row ${origin.row}, ${column}: ${message}`
    : `row ${origin.row} (${origin.label}): ${message}`;
}
