import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as subjects from './0002-subjects.js';
import * as claims from './0003-claims.js';
import * as qualifications from './0004-qualifications.js';
import * as courses from './0005-courses.js';
import * as briefs from './0006-briefs.js';
import * as unknownUsernameLockout from './0007-unknown-username-lockout.js';
import * as rateLimits from './0008-rate-limits.js';

/** Listed by hand so the compiled build needs no folder scan. Append only; never rename. */
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-subjects': subjects,
  '0003-claims': claims,
  '0004-qualifications': qualifications,
  '0005-courses': courses,
  '0006-briefs': briefs,
  '0007-unknown-username-lockout': unknownUsernameLockout,
  '0008-rate-limits': rateLimits,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
