import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import {
  findAccountRowByUsername,
  insertAccount,
  normaliseUsername,
} from '../features/accounts/account.repository.js';
import { hashPassword, verifyPassword } from '../features/accounts/password.js';
import { insertCentre, insertSite } from '../features/organisation/organisation.repository.js';
import { loadDemoClaims } from './demo-claims.js';
import { loadDemoBriefs } from './demo-briefs.js';
import { loadDemoCourses } from './demo-courses.js';

export const DEMO_CENTRE = { id: 'centre-99000', number: '99000', name: 'Demo College' } as const;
export const DEMO_SITES = [
  { id: 'site-99000', number: '99000', name: 'Main site' },
  { id: 'site-99001', number: '99001', name: 'North site' },
] as const;

interface DemoPerson {
  key: string;
  first: string;
  last: string;
  site: 'site-99000' | 'site-99001';
  examsOfficer?: boolean;
}

/** SPEC §9: these people and nobody else. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { key: 'qn', first: 'Demo', last: 'QN', site: 'site-99000' },
  { key: 'north.qn', first: 'Demo', last: 'North QN', site: 'site-99001' },
  { key: 'liv', first: 'Demo', last: 'LIV', site: 'site-99000' },
  { key: 'courselead', first: 'Demo', last: 'Courselead', site: 'site-99000' },
  { key: 'iv', first: 'Demo', last: 'IV', site: 'site-99000' },
  { key: 'assessor', first: 'Demo', last: 'Assessor', site: 'site-99000' },
  { key: 'teacher', first: 'Demo', last: 'Teacher', site: 'site-99000' },
  { key: 'eo', first: 'Demo', last: 'EO', site: 'site-99000', examsOfficer: true },
];

export const demoUsername = (key: string) => `demo.${key}@democollege.test`;
export const demoAccountId = (key: string) => `demo-${key.replace('.', '-')}`;

export interface DemoResult {
  created: boolean;
  /** The password the demo accounts have, when it is known: never one they do not have. */
  password: string | undefined;
  passwordGenerated: boolean;
  /** Loaded before with another password: the DEMO_PASSWORD given now was not applied. */
  passwordIgnored: boolean;
  logins: { name: string; username: string }[];
}

/** A later feature adds its own demo records by appending a step here; each step is idempotent. */
export type DemoStep = (db: Db, clock: Clock) => Promise<void>;
const steps = (): DemoStep[] => [loadDemoClaims, loadDemoCourses, loadDemoBriefs];

/**
 * Loads the demo centre of SPEC §9. Idempotent: when the centre exists nothing is changed (and
 * the existing passwords are left alone), so running it twice is harmless.
 */
export async function loadDemoData(
  db: Db,
  clock: Clock,
  demoPassword: string | undefined,
): Promise<DemoResult> {
  const logins = DEMO_PEOPLE.map((p) => ({
    name: `${p.first} ${p.last}`,
    username: demoUsername(p.key),
  }));
  const existing = await db
    .selectFrom('centres')
    .select('id')
    .where('id', '=', DEMO_CENTRE.id)
    .executeTakeFirst();
  if (existing) {
    for (const step of steps()) await step(db, clock);
    // The accounts keep the password of the first load: say the one given now only if it is that.
    const eo = await findAccountRowByUsername(db, demoUsername('eo'));
    const same =
      demoPassword !== undefined && (await verifyPassword(eo?.password_hash ?? null, demoPassword));
    return {
      created: false,
      password: same ? demoPassword : undefined,
      passwordGenerated: false,
      passwordIgnored: demoPassword !== undefined && !same,
      logins,
    };
  }
  const password = demoPassword ?? randomBytes(9).toString('base64url');
  const passwordHash = await hashPassword(password);
  const now = clock.now().toISOString();
  await db.transaction().execute(async (trx) => {
    await insertCentre(trx, DEMO_CENTRE);
    for (const site of DEMO_SITES) await insertSite(trx, { ...site, centreId: DEMO_CENTRE.id });
    for (const person of DEMO_PEOPLE) {
      await insertAccount(trx, {
        id: demoAccountId(person.key),
        centre_id: DEMO_CENTRE.id,
        home_site_id: person.site,
        username: normaliseUsername(demoUsername(person.key)),
        first_name: person.first,
        last_name: person.last,
        password_hash: passwordHash,
        mybtec_access: 1,
        exams_officer: person.examsOfficer ? 1 : 0,
        created_at: now,
        last_login_at: null,
        failed_logins: 0,
        locked_until: null,
        terms_version: null,
        terms_accepted_at: null,
      });
    }
    await trx
      .updateTable('sites')
      .set({ quality_nominee_id: demoAccountId('qn') })
      .where('id', '=', 'site-99000')
      .execute();
    await trx
      .updateTable('sites')
      .set({ quality_nominee_id: demoAccountId('north.qn') })
      .where('id', '=', 'site-99001')
      .execute();
  });
  for (const step of steps()) await step(db, clock);
  return {
    created: true,
    password,
    passwordGenerated: demoPassword === undefined,
    passwordIgnored: false,
    logins,
  };
}
