import type { DbOrTx } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';
import type { AccountRow, AccountUpdate, NewAccount } from '../../db/schema.js';

/** An account as the services see it: never the row, never the password hash. */
export interface Account {
  id: string;
  centreId: string;
  homeSiteId: string;
  username: string;
  firstName: string;
  lastName: string;
  name: string;
  mybtecAccess: boolean;
  examsOfficer: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  termsVersion: string | null;
}

/** The columns an Account is made from: the row without the password hash, lockout and terms date. */
const ACCOUNT_COLUMNS = [
  'id',
  'centre_id',
  'home_site_id',
  'username',
  'first_name',
  'last_name',
  'mybtec_access',
  'exams_officer',
  'created_at',
  'last_login_at',
  'terms_version',
] as const satisfies readonly (keyof AccountRow)[];
type AccountColumns = Pick<AccountRow, (typeof ACCOUNT_COLUMNS)[number]>;

export function toAccount(row: AccountColumns | AccountRow): Account {
  return {
    id: row.id,
    centreId: row.centre_id,
    homeSiteId: row.home_site_id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    name: `${row.first_name} ${row.last_name}`,
    mybtecAccess: row.mybtec_access === 1,
    examsOfficer: row.exams_officer === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    termsVersion: row.terms_version,
  };
}

/** Usernames are email addresses and compared without regard to case; passwords are not. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export async function findAccountRowByUsername(
  db: DbOrTx,
  username: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('username', '=', normaliseUsername(username))
    .executeTakeFirst();
}

export async function findAccountById(db: DbOrTx, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

export async function findAccountInCentre(
  db: DbOrTx,
  centreId: string,
  id: string,
): Promise<Account | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', id)
    .where('centre_id', '=', centreId)
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function listAccountsInCentre(db: DbOrTx, centreId: string): Promise<Account[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where('centre_id', '=', centreId)
    .orderBy('last_name')
    .orderBy('first_name')
    .execute();
  return rows.map(toAccount);
}

export async function insertAccount(db: DbOrTx, account: NewAccount): Promise<void> {
  await db.insertInto('accounts').values(account).execute();
}

export async function updateAccount(db: DbOrTx, id: string, changes: AccountUpdate): Promise<void> {
  await db.updateTable('accounts').set(changes).where('id', '=', id).execute();
}

/** Locks the account's row until the transaction ends, so that requests about it queue. */
export async function lockAccount(db: DbOrTx, id: string): Promise<void> {
  await db.selectFrom('accounts').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function usernameTaken(db: DbOrTx, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('username', '=', normaliseUsername(username))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The signed-in person and the number of their home site (shown in the header), in one query on
 * every signed-in request: only the columns an Account holds (never the password hash).
 */
/** Read on every signed-in request: compiled once. */
const sessionAccountRow = prepared((db, id: string) =>
  db
    .selectFrom('accounts')
    .innerJoin('sites', 'sites.id', 'accounts.home_site_id')
    .select(ACCOUNT_COLUMNS.map((column) => `accounts.${column}` as const))
    .select('sites.number as home_site_number')
    .where('accounts.id', '=', id),
);

export async function findSessionAccount(
  db: DbOrTx,
  id: string,
): Promise<{ account: Account; homeSiteNumber: string } | undefined> {
  const [row] = await sessionAccountRow(db, id);
  if (!row) return undefined;
  const { home_site_number, ...account } = row;
  return {
    account: toAccount(account),
    homeSiteNumber: home_site_number,
  };
}
