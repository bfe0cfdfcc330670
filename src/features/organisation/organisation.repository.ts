import type { DbOrTx } from '../../db/connection.js';

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

export async function findCentre(db: DbOrTx, id: string): Promise<Centre | undefined> {
  const row = await db.selectFrom('centres').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, number: row.number, name: row.name, qualityNomineeId: row.quality_nominee_id };
}

export async function listSites(db: DbOrTx, centreId: string): Promise<Site[]> {
  const rows = await db.selectFrom('sites').selectAll().where('centre_id', '=', centreId).orderBy('number').execute();
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
    row && { id: row.id, centreId: row.centre_id, number: row.number, name: row.name, qualityNomineeId: row.quality_nominee_id }
  );
}

export async function setSiteQualityNominee(db: DbOrTx, siteId: string, accountId: string | null): Promise<void> {
  await db.updateTable('sites').set({ quality_nominee_id: accountId }).where('id', '=', siteId).execute();
}

export async function setCentreQualityNominee(db: DbOrTx, centreId: string, accountId: string | null): Promise<void> {
  await db.updateTable('centres').set({ quality_nominee_id: accountId }).where('id', '=', centreId).execute();
}

export async function listSubjects(db: DbOrTx): Promise<Subject[]> {
  return db.selectFrom('subjects').select(['id', 'name']).orderBy('sort_order').execute();
}

/** The sites where this account is the Quality Nominee: its own recorded sites, or all of them if centre-wide. */
export async function qualityNomineeSiteIds(db: DbOrTx, accountId: string, centreId: string): Promise<string[]> {
  const sites = await listSites(db, centreId);
  const centre = await findCentre(db, centreId);
  if (centre?.qualityNomineeId === accountId) return sites.map((s) => s.id);
  return sites.filter((s) => s.qualityNomineeId === accountId).map((s) => s.id);
}

export async function insertCentre(db: DbOrTx, centre: { id: string; number: string; name: string }): Promise<void> {
  await db.insertInto('centres').values({ ...centre, quality_nominee_id: null }).execute();
}

export async function insertSite(
  db: DbOrTx,
  site: { id: string; centreId: string; number: string; name: string },
): Promise<void> {
  await db
    .insertInto('sites')
    .values({ id: site.id, centre_id: site.centreId, number: site.number, name: site.name, quality_nominee_id: null })
    .execute();
}
