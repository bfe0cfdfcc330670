import type { DbOrTx } from '../../db/connection.js';
import type { Catalogue, Grade } from './catalogue.schema.js';

/** A qualification of the catalogue, with its units in order, each with its aims and criteria. */
export interface Qualification {
  id: string;
  subjectId: string;
  title: string;
  level: string;
  size: string;
  glh: number;
  units: Unit[];
}

export interface Unit {
  id: string;
  number: string;
  title: string;
  mandatory: boolean;
  glh: number;
  aims: { code: string; text: string }[];
  criteria: { code: string; grade: Grade; text: string }[];
}

export interface UpsertCounts {
  qualifications: number;
  newQualifications: number;
  units: number;
  newUnits: number;
  aims: number;
  criteria: number;
  /** Aims and criteria of the imported units that were in the database but are no longer in the file. */
  removed: number;
}

/** Rows per insert statement: well under the bound-parameter limits of SQLite and PostgreSQL. */
const BATCH = 200;

function chunks<T>(rows: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Every unit in the database: unit id → the id of its qualification. */
export async function unitOwners(db: DbOrTx): Promise<Map<string, string>> {
  const rows = await db.selectFrom('units').select(['id', 'qualification_id']).execute();
  return new Map(rows.map((row) => [row.id, row.qualification_id]));
}

export async function subjectIds(db: DbOrTx): Promise<string[]> {
  const rows = await db.selectFrom('subjects').select('id').orderBy('sort_order').execute();
  return rows.map((row) => row.id);
}

/**
 * Inserts or updates every qualification, unit, learning aim and criterion of a validated
 * catalogue, by id, in a few batched statements. Aims and criteria of an imported unit that the
 * file no longer has are removed (the file describes the unit); units are never removed, since
 * courses are built from them. Call it inside a transaction.
 */
export async function upsertCatalogue(trx: DbOrTx, catalogue: Catalogue): Promise<UpsertCounts> {
  const qualifications = catalogue.qualifications.map((q) => ({
    id: q.id,
    subject_id: q.subjectId,
    title: q.title,
    level: q.level,
    size: q.size,
    glh: q.glh,
  }));
  const units = catalogue.qualifications.flatMap((q) =>
    q.units.map((u, index) => ({
      id: u.id,
      qualification_id: q.id,
      number: u.number,
      title: u.title,
      mandatory: u.mandatory ? 1 : 0,
      glh: u.glh,
      sort_order: index + 1,
    })),
  );
  const aims = catalogue.qualifications.flatMap((q) =>
    q.units.flatMap((u) => u.aims.map((a) => ({ unit_id: u.id, code: a.code, text: a.text }))),
  );
  const criteria = catalogue.qualifications.flatMap((q) =>
    q.units.flatMap((u) =>
      u.criteria.map((c, index) => ({
        unit_id: u.id,
        code: c.code,
        grade: c.grade,
        text: c.text,
        sort_order: index + 1,
      })),
    ),
  );
  const unitIds = units.map((u) => u.id);

  // What is there already: to count what is new, and to find the aims and criteria to remove.
  const existingQualifications = new Set<string>();
  for (const ids of chunks(
    qualifications.map((q) => q.id),
    500,
  )) {
    for (const row of await trx
      .selectFrom('qualifications')
      .select('id')
      .where('id', 'in', ids)
      .execute())
      existingQualifications.add(row.id);
  }
  const existingUnits = new Set<string>();
  const staleAims = new Map<string, string[]>();
  const staleCriteria = new Map<string, string[]>();
  const keep = (rows: { unit_id: string; code: string }[]) =>
    new Set(rows.map((r) => `${r.unit_id}\u0000${r.code}`));
  const keptAims = keep(aims);
  const keptCriteria = keep(criteria);
  const stale = (into: Map<string, string[]>, unitId: string, code: string) =>
    into.set(unitId, [...(into.get(unitId) ?? []), code]);
  for (const ids of chunks(unitIds, 500)) {
    const [unitRows, aimRows, criterionRows] = await Promise.all([
      trx.selectFrom('units').select('id').where('id', 'in', ids).execute(),
      trx
        .selectFrom('learning_aims')
        .select(['unit_id', 'code'])
        .where('unit_id', 'in', ids)
        .execute(),
      trx.selectFrom('criteria').select(['unit_id', 'code']).where('unit_id', 'in', ids).execute(),
    ]);
    for (const row of unitRows) existingUnits.add(row.id);
    for (const row of aimRows)
      if (!keptAims.has(`${row.unit_id}\u0000${row.code}`)) stale(staleAims, row.unit_id, row.code);
    for (const row of criterionRows)
      if (!keptCriteria.has(`${row.unit_id}\u0000${row.code}`))
        stale(staleCriteria, row.unit_id, row.code);
  }

  for (const batch of chunks(qualifications)) {
    await trx
      .insertInto('qualifications')
      .values(batch)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          subject_id: eb.ref('excluded.subject_id'),
          title: eb.ref('excluded.title'),
          level: eb.ref('excluded.level'),
          size: eb.ref('excluded.size'),
          glh: eb.ref('excluded.glh'),
        })),
      )
      .execute();
  }
  for (const batch of chunks(units)) {
    await trx
      .insertInto('units')
      .values(batch)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          qualification_id: eb.ref('excluded.qualification_id'),
          number: eb.ref('excluded.number'),
          title: eb.ref('excluded.title'),
          mandatory: eb.ref('excluded.mandatory'),
          glh: eb.ref('excluded.glh'),
          sort_order: eb.ref('excluded.sort_order'),
        })),
      )
      .execute();
  }
  let removed = 0;
  for (const [unitId, codes] of staleAims) {
    await trx
      .deleteFrom('learning_aims')
      .where('unit_id', '=', unitId)
      .where('code', 'in', codes)
      .execute();
    removed += codes.length;
  }
  for (const [unitId, codes] of staleCriteria) {
    await trx
      .deleteFrom('criteria')
      .where('unit_id', '=', unitId)
      .where('code', 'in', codes)
      .execute();
    removed += codes.length;
  }
  for (const batch of chunks(aims)) {
    await trx
      .insertInto('learning_aims')
      .values(batch)
      .onConflict((oc) =>
        oc.columns(['unit_id', 'code']).doUpdateSet((eb) => ({ text: eb.ref('excluded.text') })),
      )
      .execute();
  }
  for (const batch of chunks(criteria)) {
    await trx
      .insertInto('criteria')
      .values(batch)
      .onConflict((oc) =>
        oc.columns(['unit_id', 'code']).doUpdateSet((eb) => ({
          grade: eb.ref('excluded.grade'),
          text: eb.ref('excluded.text'),
          sort_order: eb.ref('excluded.sort_order'),
        })),
      )
      .execute();
  }

  return {
    qualifications: qualifications.length,
    newQualifications: qualifications.filter((q) => !existingQualifications.has(q.id)).length,
    units: units.length,
    newUnits: units.filter((u) => !existingUnits.has(u.id)).length,
    aims: aims.length,
    criteria: criteria.length,
    removed,
  };
}

/**
 * Qualifications with their units, aims and criteria, in four queries whatever their number:
 * all of a subject, one by id, or the whole catalogue.
 */
export async function listQualifications(
  db: DbOrTx,
  filter: { subjectId?: string; id?: string } = {},
): Promise<Qualification[]> {
  let qualificationQuery = db.selectFrom('qualifications').selectAll();
  if (filter.subjectId !== undefined)
    qualificationQuery = qualificationQuery.where('subject_id', '=', filter.subjectId);
  if (filter.id !== undefined) qualificationQuery = qualificationQuery.where('id', '=', filter.id);
  // Sorted here rather than in SQL: PostgreSQL and SQLite collate text differently.
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const qualificationRows = (await qualificationQuery.execute()).sort(
    (a, b) => byText(a.subject_id, b.subject_id) || byText(a.title, b.title) || byText(a.id, b.id),
  );
  if (qualificationRows.length === 0) return [];

  // Units, aims and criteria of the same qualifications, by joining on the same filter (no id lists).
  const [unitRows, aimRows, criterionRows] = await Promise.all([
    db
      .selectFrom('units')
      .innerJoin('qualifications', 'qualifications.id', 'units.qualification_id')
      .selectAll('units')
      .$if(filter.subjectId !== undefined, (q) =>
        q.where('qualifications.subject_id', '=', filter.subjectId as string),
      )
      .$if(filter.id !== undefined, (q) => q.where('qualifications.id', '=', filter.id as string))
      .orderBy('units.qualification_id')
      .orderBy('units.sort_order')
      .execute(),
    db
      .selectFrom('learning_aims')
      .innerJoin('units', 'units.id', 'learning_aims.unit_id')
      .innerJoin('qualifications', 'qualifications.id', 'units.qualification_id')
      .selectAll('learning_aims')
      .$if(filter.subjectId !== undefined, (q) =>
        q.where('qualifications.subject_id', '=', filter.subjectId as string),
      )
      .$if(filter.id !== undefined, (q) => q.where('qualifications.id', '=', filter.id as string))
      .orderBy('learning_aims.unit_id')
      .orderBy('learning_aims.code')
      .execute(),
    db
      .selectFrom('criteria')
      .innerJoin('units', 'units.id', 'criteria.unit_id')
      .innerJoin('qualifications', 'qualifications.id', 'units.qualification_id')
      .selectAll('criteria')
      .$if(filter.subjectId !== undefined, (q) =>
        q.where('qualifications.subject_id', '=', filter.subjectId as string),
      )
      .$if(filter.id !== undefined, (q) => q.where('qualifications.id', '=', filter.id as string))
      .orderBy('criteria.unit_id')
      .orderBy('criteria.sort_order')
      .execute(),
  ]);

  const aimsByUnit = new Map<string, Unit['aims']>();
  for (const row of aimRows) {
    const list = aimsByUnit.get(row.unit_id) ?? [];
    list.push({ code: row.code, text: row.text });
    aimsByUnit.set(row.unit_id, list);
  }
  const criteriaByUnit = new Map<string, Unit['criteria']>();
  for (const row of criterionRows) {
    const list = criteriaByUnit.get(row.unit_id) ?? [];
    list.push({ code: row.code, grade: row.grade as Grade, text: row.text });
    criteriaByUnit.set(row.unit_id, list);
  }
  const unitsByQualification = new Map<string, Unit[]>();
  for (const row of unitRows) {
    const list = unitsByQualification.get(row.qualification_id) ?? [];
    list.push({
      id: row.id,
      number: row.number,
      title: row.title,
      mandatory: row.mandatory === 1,
      glh: row.glh,
      aims: aimsByUnit.get(row.id) ?? [],
      criteria: criteriaByUnit.get(row.id) ?? [],
    });
    unitsByQualification.set(row.qualification_id, list);
  }
  return qualificationRows.map((row) => ({
    id: row.id,
    subjectId: row.subject_id,
    title: row.title,
    level: row.level,
    size: row.size,
    glh: row.glh,
    units: unitsByQualification.get(row.id) ?? [],
  }));
}
