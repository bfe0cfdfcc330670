import type { DbOrTx } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';

export interface Site {
  id: string;
  centreId: string;
  number: string;
  name: string;
  qualityNomineeId: string | null;
}

export interface Centre {
  id: string;
  number: string;
  name: string;
  qualityNomineeId: string | null;
}

export interface Subject {
  id: string;
  name: string;
}

/** Read on `/api/v1/me` and by every page of the person's own centre: compiled once. */
const centreRow = prepared((db, id: string) =>
  db.selectFrom('centres').selectAll().where('id', '=', id),
);

export async function findCentre(db: DbOrTx, id: string): Promise<Centre | undefined> {
  const [row] = await centreRow(db, id);
  return (
    row && {
      id: row.id,
      number: row.number,
      name: row.name,
      qualityNomineeId: row.quality_nominee_id,
    }
  );
}

/** Read on `/api/v1/me` and by every page of the approvals and claims: compiled once. */
const centreSites = prepared((db, centreId: string) =>
  db.selectFrom('sites').selectAll().where('centre_id', '=', centreId).orderBy('number'),
);

export async function listSites(db: DbOrTx, centreId: string): Promise<Site[]> {
  const rows = await centreSites(db, centreId);
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    number: row.number,
    name: row.name,
    qualityNomineeId: row.quality_nominee_id,
  }));
}

export async function findSite(db: DbOrTx, id: string): Promise<Site | undefined> {
  const row = await db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    row && {
      id: row.id,
      centreId: row.centre_id,
      number: row.number,
      name: row.name,
      qualityNomineeId: row.quality_nominee_id,
    }
  );
}

export async function setSiteQualityNominee(
  db: DbOrTx,
  siteId: string,
  accountId: string | null,
): Promise<void> {
  await db
    .updateTable('sites')
    .set({ quality_nominee_id: accountId })
    .where('id', '=', siteId)
    .execute();
}

export async function setCentreQualityNominee(
  db: DbOrTx,
  centreId: string,
  accountId: string | null,
): Promise<void> {
  await db
    .updateTable('centres')
    .set({ quality_nominee_id: accountId })
    .where('id', '=', centreId)
    .execute();
}

export async function listSubjects(db: DbOrTx): Promise<Subject[]> {
  return db.selectFrom('subjects').select(['id', 'name']).orderBy('sort_order').execute();
}

/** The sites where this account is the Quality Nominee: its own recorded sites, or all of them if centre-wide. */
export async function qualityNomineeSiteIds(
  db: DbOrTx,
  accountId: string,
  centreId: string,
): Promise<string[]> {
  const sites = await listSites(db, centreId);
  const centre = await findCentre(db, centreId);
  if (centre?.qualityNomineeId === accountId) return sites.map((s) => s.id);
  return sites.filter((s) => s.qualityNomineeId === accountId).map((s) => s.id);
}

export async function insertCentre(
  db: DbOrTx,
  centre: { id: string; number: string; name: string },
): Promise<void> {
  await db
    .insertInto('centres')
    .values({ ...centre, quality_nominee_id: null })
    .execute();
}

export async function insertSite(
  db: DbOrTx,
  site: { id: string; centreId: string; number: string; name: string },
): Promise<void> {
  await db
    .insertInto('sites')
    .values({
      id: site.id,
      centre_id: site.centreId,
      number: site.number,
      name: site.name,
      quality_nominee_id: null,
    })
    .execute();
}

export interface PersonRef {
  id: string;
  name: string;
}

/** The Quality Nominee recorded for the site itself, and the one recorded for its whole centre. */
export async function qualityNomineesOf(
  db: DbOrTx,
  siteId: string,
): Promise<{ site: PersonRef | null; centre: PersonRef | null }> {
  const row = await db
    .selectFrom('sites')
    .innerJoin('centres', 'centres.id', 'sites.centre_id')
    .leftJoin('accounts as site_qn', 'site_qn.id', 'sites.quality_nominee_id')
    .leftJoin('accounts as centre_qn', 'centre_qn.id', 'centres.quality_nominee_id')
    .select([
      'site_qn.id as site_id',
      'site_qn.first_name as site_first',
      'site_qn.last_name as site_last',
      'centre_qn.id as centre_id',
      'centre_qn.first_name as centre_first',
      'centre_qn.last_name as centre_last',
    ])
    .where('sites.id', '=', siteId)
    .executeTakeFirst();
  return {
    site: row?.site_id
      ? { id: row.site_id, name: `${row.site_first ?? ''} ${row.site_last ?? ''}` }
      : null,
    centre: row?.centre_id
      ? { id: row.centre_id, name: `${row.centre_first ?? ''} ${row.centre_last ?? ''}` }
      : null,
  };
}

/**
 * The subject catalogue, read once per database: it is fixed by migration. Read it before a
 * transaction starts — on SQLite the transaction holds the only connection.
 */
export interface SubjectCatalogue {
  all: () => Promise<Map<string, Subject>>;
  name: (id: string) => Promise<string>;
}

export function subjectCatalogue(db: DbOrTx): SubjectCatalogue {
  let cache: Promise<Map<string, Subject>> | undefined;
  const all = () =>
    (cache ??= listSubjects(db).then((list) => new Map(list.map((s) => [s.id, s]))));
  return { all, name: async (id) => (await all()).get(id)?.name ?? id };
}
