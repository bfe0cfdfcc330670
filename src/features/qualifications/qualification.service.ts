import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/connection.js';
import { InvalidInput } from '../../errors.js';
import { projectRoot } from '../../lib/project-root.js';
import { validateCatalogueCsv } from './catalogue.csv.js';
import { validateCatalogue, type Catalogue, type CatalogueValidation } from './catalogue.schema.js';
import {
  listQualifications,
  subjectIds,
  unitOwners,
  upsertCatalogue,
  type Qualification,
  type UpsertCounts,
} from './qualification.repository.js';

export type { Qualification, Unit, UpsertCounts } from './qualification.repository.js';

/** The sample catalogue shipped with myBTEC, loaded into the database on every start. */
export const SAMPLE_CATALOGUE_FILE = path.join(
  projectRoot,
  'catalogue',
  'qualifications.sample.json',
);

export type ImportResult = { ok: true; counts: UpsertCounts } | { ok: false; problems: string[] };

export type QualificationService = ReturnType<typeof createQualificationService>;

/**
 * Imports a catalogue in one transaction, checked against the database as it is inside that
 * transaction (its subjects; units already belonging to a qualification). Nothing is written
 * when there is any problem.
 */
async function importInTransaction(
  db: Db,
  validate: (options: {
    subjectIds: string[];
    existingUnits: Map<string, string>;
  }) => CatalogueValidation,
): Promise<ImportResult> {
  return db.transaction().execute(async (trx): Promise<ImportResult> => {
    const [subjects, existingUnits] = await Promise.all([subjectIds(trx), unitOwners(trx)]);
    const result = validate({ subjectIds: subjects, existingUnits });
    if (!result.ok) return result;
    return { ok: true, counts: await upsertCatalogue(trx, result.catalogue) };
  });
}

/** The qualification catalogue: reading it (for courses and the API) and importing into it. */
export function createQualificationService(deps: { db: Db }) {
  const { db } = deps;
  // Subjects are fixed by migration, so they are read once.
  let subjectsCache: Promise<Set<string>> | undefined;
  const subjects = () => (subjectsCache ??= subjectIds(db).then((ids) => new Set(ids)));

  /** Every qualification of a subject (all of them without one), with units, aims and criteria. */
  async function list(subjectId?: string): Promise<Qualification[]> {
    if (subjectId !== undefined && !(await subjects()).has(subjectId)) {
      throw new InvalidInput(
        { subjectId: 'There is no subject with this id' },
        `There is no subject "${subjectId}".`,
      );
    }
    return listQualifications(db, subjectId === undefined ? {} : { subjectId });
  }

  async function find(id: string): Promise<Qualification | undefined> {
    return (await listQualifications(db, { id }))[0];
  }

  /** Imports a parsed JSON catalogue (see catalogue.schema.ts): all of it, or nothing and every problem. */
  function importCatalogue(json: unknown): Promise<ImportResult> {
    return importInTransaction(db, (options) => validateCatalogue(json, options));
  }

  /** Imports a catalogue given as CSV text (see catalogue.csv.ts): all of it, or nothing and every problem by row. */
  function importCatalogueCsv(text: string): Promise<ImportResult> {
    return importInTransaction(db, (options) => validateCatalogueCsv(text, options));
  }

  return { list, find, importCatalogue, importCatalogueCsv };
}

let sample: Promise<Catalogue> | undefined;

/** The sample catalogue file, read and checked once per process. */
export function readSampleCatalogue(): Promise<Catalogue> {
  sample ??= readFile(SAMPLE_CATALOGUE_FILE, 'utf8').then((text) => {
    const result = validateCatalogue(JSON.parse(text) as unknown);
    if (!result.ok)
      throw new Error(
        `${SAMPLE_CATALOGUE_FILE} is not a valid catalogue:\n${result.problems.join('\n')}`,
      );
    return result.catalogue;
  });
  sample.catch(() => (sample = undefined));
  return sample;
}

/**
 * Puts the sample catalogue in the database, or brings it up to date: one transaction of batched
 * upserts, so calling it on every start (and in every test) is cheap and changes nothing the
 * second time. Throws if the file is missing or invalid, or does not fit the database (a subject
 * it lacks, a unit id already used by another qualification).
 */
export async function loadSampleCatalogue(db: Db): Promise<UpsertCounts> {
  const catalogue = await readSampleCatalogue();
  const result = await importInTransaction(db, (options) => validateCatalogue(catalogue, options));
  if (!result.ok)
    throw new Error(`The sample catalogue cannot be loaded:\n${result.problems.join('\n')}`);
  return result.counts;
}
