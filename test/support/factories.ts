import type { Db } from '../../src/db/connection.js';
import { insertAccount } from '../../src/features/accounts/account.repository.js';
import { hash } from '@node-rs/argon2';
import { hashPassword } from '../../src/features/accounts/password.js';
import { TERMS_VERSION } from '../../src/features/accounts/terms.js';
import {
  insertCentre,
  insertSite,
} from '../../src/features/organisation/organisation.repository.js';
import { newId } from '../../src/lib/ids.js';

export const PASSWORD = 'Correct-Horse-7';
let hashed: Promise<string> | undefined;
/**
 * Test accounts get an argon2id hash with the smallest cost: verifying takes the cost written in
 * the hash, so every sign-in in the suite is fast, while the product's own hashing (and its tests
 * of creating and resetting passwords) keeps the real cost.
 */
const passwordHash = () =>
  (hashed ??= hash(PASSWORD, { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 }));

let counter = 0;
const next = () => (counter += 1);

export interface BuiltCentre {
  id: string;
  number: string;
  siteIds: string[];
}

/** A centre with `sites` sites; the first site's number is the centre number. */
export async function buildCentre(
  db: Db,
  options: { sites?: number; name?: string } = {},
): Promise<BuiltCentre> {
  const n = next();
  const number = String(10000 + ((n * 37 + process.pid) % 89999));
  const id = newId();
  await insertCentre(db, {
    id,
    number: `${number}-${n}`,
    name: options.name ?? `Test College ${n}`,
  });
  const siteIds: string[] = [];
  for (let i = 0; i < (options.sites ?? 1); i += 1) {
    const siteId = newId();
    await insertSite(db, {
      id: siteId,
      centreId: id,
      number: `${number}-${n}-${i}`,
      name: i === 0 ? 'Main site' : `Site ${i + 1}`,
    });
    siteIds.push(siteId);
  }
  return { id, number, siteIds };
}

export interface BuiltAccount {
  id: string;
  username: string;
  name: string;
  centreId: string;
  siteId: string;
}

export async function buildAccount(
  db: Db,
  centre: BuiltCentre,
  options: {
    first?: string;
    last?: string;
    mybtecAccess?: boolean;
    examsOfficer?: boolean;
    termsAccepted?: boolean;
    siteIndex?: number;
    password?: string | null;
  } = {},
): Promise<BuiltAccount> {
  const n = next();
  const id = newId();
  const first = options.first ?? 'Test';
  const last = options.last ?? `Person${n}`;
  const username = `person${n}.${process.pid}@test.example`;
  const siteId = centre.siteIds[options.siteIndex ?? 0] as string;
  await insertAccount(db, {
    id,
    centre_id: centre.id,
    home_site_id: siteId,
    username,
    first_name: first,
    last_name: last,
    password_hash:
      options.password === null
        ? null
        : options.password
          ? await hashPassword(options.password)
          : await passwordHash(),
    mybtec_access: options.mybtecAccess === false ? 0 : 1,
    exams_officer: options.examsOfficer ? 1 : 0,
    created_at: new Date('2026-01-01T00:00:00Z').toISOString(),
    last_login_at: null,
    failed_logins: 0,
    locked_until: null,
    terms_version: options.termsAccepted === false ? null : TERMS_VERSION,
    terms_accepted_at:
      options.termsAccepted === false ? null : new Date('2026-01-01T00:00:00Z').toISOString(),
  });
  return { id, username, name: `${first} ${last}`, centreId: centre.id, siteId };
}

/** A claim written straight into the database, e.g. an LIV already approved. */
export async function buildClaim(
  db: Db,
  claim: {
    account: BuiltAccount;
    siteId?: string;
    subjectId: string;
    role: string;
    status?: 'pending' | 'approved' | 'rejected';
  },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('claims')
    .values({
      id,
      centre_id: claim.account.centreId,
      site_id: claim.siteId ?? claim.account.siteId,
      subject_id: claim.subjectId,
      claimant_id: claim.account.id,
      role: claim.role,
      status: claim.status ?? 'approved',
      approvers: '[]',
      created_at: new Date('2026-02-01T00:00:00Z').toISOString(),
      decided_at:
        claim.status === 'pending' ? null : new Date('2026-02-02T00:00:00Z').toISOString(),
      decided_by_id: null,
      decided_by_name: null,
      reason: null,
    })
    .execute();
  return id;
}

/** Records the Quality Nominee of a site, or of the whole centre when no site is given. */
export async function makeQualityNominee(
  db: Db,
  account: BuiltAccount,
  siteId?: string,
): Promise<void> {
  if (siteId)
    await db
      .updateTable('sites')
      .set({ quality_nominee_id: account.id })
      .where('id', '=', siteId)
      .execute();
  else
    await db
      .updateTable('centres')
      .set({ quality_nominee_id: account.id })
      .where('id', '=', account.centreId)
      .execute();
}

export interface BuiltPendingClaim {
  id: string;
  claimantId: string;
  createdAt: string;
}

/**
 * Many pending claims at once, each by a new person of the centre who cannot sign in, written in
 * a few multi-row inserts: for lists longer than a page, or than any limit. The claims are made
 * one minute apart from `from`, in the order returned (so the last is the newest).
 */
export async function buildPendingClaims(
  db: Db,
  centre: BuiltCentre,
  options: {
    count: number;
    subjectId: string;
    role: string;
    siteId?: string;
    from?: Date;
  },
): Promise<BuiltPendingClaim[]> {
  const siteId = options.siteId ?? (centre.siteIds[0] as string);
  const from = (options.from ?? new Date('2026-03-01T00:00:00Z')).getTime();
  const built = Array.from({ length: options.count }, (_, i) => {
    const n = next();
    return {
      account: {
        id: newId(),
        centre_id: centre.id,
        home_site_id: siteId,
        username: `claimant${n}.${process.pid}@test.example`,
        first_name: 'Claimant',
        last_name: `Number${n}`,
        password_hash: null,
        mybtec_access: 1,
        exams_officer: 0,
        created_at: new Date('2026-01-01T00:00:00Z').toISOString(),
        last_login_at: null,
        failed_logins: 0,
        locked_until: null,
        terms_version: TERMS_VERSION,
        terms_accepted_at: new Date('2026-01-01T00:00:00Z').toISOString(),
      },
      claim: { id: newId(), createdAt: new Date(from + i * 60_000).toISOString() },
    };
  });
  // A few hundred rows an insert keeps every statement well within both databases' parameter limits.
  for (let start = 0; start < built.length; start += 200) {
    const chunk = built.slice(start, start + 200);
    await db
      .insertInto('accounts')
      .values(chunk.map((b) => b.account))
      .execute();
    await db
      .insertInto('claims')
      .values(
        chunk.map((b) => ({
          id: b.claim.id,
          centre_id: centre.id,
          site_id: siteId,
          subject_id: options.subjectId,
          claimant_id: b.account.id,
          role: options.role,
          status: 'pending',
          approvers: '[]',
          created_at: b.claim.createdAt,
          decided_at: null,
          decided_by_id: null,
          decided_by_name: null,
          reason: null,
        })),
      )
      .execute();
  }
  return built.map((b) => ({
    id: b.claim.id,
    claimantId: b.account.id,
    createdAt: b.claim.createdAt,
  }));
}
