import { sql } from 'kysely';
import type { DbOrTx } from '../../db/connection.js';
import type { BriefRow } from '../../db/schema.js';
import {
  isBriefStatus,
  type BriefStatus,
  type BriefTask,
  type ChecklistItem,
} from '../../domain/briefs.js';
import { newId } from '../../lib/ids.js';
import { eligiblePeople, type EligiblePerson } from '../courses/course.repository.js';

export interface PersonRef {
  id: string;
  name: string;
}

/** What one version of a brief says. */
export interface BriefVersionContent {
  title: string;
  aims: string[];
  criteria: string[];
  scenario: string;
  tasks: BriefTask[];
  evidence: string;
  sources: string;
  issueDate: string;
  handInDate: string;
  assessorId: string | null;
}

export interface BriefVersion extends BriefVersionContent {
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface VerificationRecord {
  id: string;
  version: number;
  verifier: PersonRef;
  approved: boolean;
  checklist: Partial<Record<ChecklistItem, boolean>>;
  comments: Partial<Record<ChecklistItem, string>>;
  feedback: string;
  actionRequired: string;
  targetDate: string | null;
  at: string;
}

export interface Brief {
  id: string;
  centreId: string;
  siteId: string;
  subjectId: string;
  courseId: string;
  unitId: string;
  author: PersonRef;
  status: BriefStatus;
  version: number;
  iv: PersonRef | null;
  createdAt: string;
  updatedAt: string;
  current: BriefVersion;
  versions: BriefVersion[];
  verifications: VerificationRecord[];
}

const fullName = (table: 'author' | 'iv') =>
  sql<string>`${sql.ref(`${table}.first_name`)} || ' ' || ${sql.ref(`${table}.last_name`)}`;

function parseVersion(row: {
  version: number;
  title: string;
  content: string;
  created_by_id: string;
  created_at: string;
  updated_at: string;
}): BriefVersion {
  const content = JSON.parse(row.content) as Omit<BriefVersionContent, 'title'>;
  return {
    ...content,
    title: row.title,
    version: row.version,
    createdBy: row.created_by_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function hydrate(
  db: DbOrTx,
  rows: (BriefRow & { author_name: string; iv_name: string | null })[],
): Promise<Brief[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [versions, verifications] = await Promise.all([
    db
      .selectFrom('brief_versions')
      .selectAll()
      .where('brief_id', 'in', ids)
      .orderBy('version')
      .execute(),
    db
      .selectFrom('brief_verifications')
      .selectAll()
      .where('brief_id', 'in', ids)
      .orderBy('at')
      .execute(),
  ]);
  return rows.map((row) => {
    if (!isBriefStatus(row.status)) throw new Error(`brief ${row.id} has an unknown status`);
    const mine = versions.filter((v) => v.brief_id === row.id).map(parseVersion);
    const current = mine.find((v) => v.version === row.version);
    if (!current) throw new Error(`brief ${row.id} has lost its version ${row.version}`);
    return {
      id: row.id,
      centreId: row.centre_id,
      siteId: row.site_id,
      subjectId: row.subject_id,
      courseId: row.course_id,
      unitId: row.unit_id,
      author: { id: row.author_id, name: row.author_name },
      status: row.status,
      version: row.version,
      iv: row.iv_id ? { id: row.iv_id, name: row.iv_name ?? '' } : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      current,
      versions: mine,
      verifications: verifications
        .filter((v) => v.brief_id === row.id)
        .map((v) => {
          const record = JSON.parse(v.record) as Omit<
            VerificationRecord,
            'id' | 'version' | 'verifier' | 'approved' | 'at'
          >;
          return {
            ...record,
            id: v.id,
            version: v.version,
            verifier: { id: v.verifier_id, name: v.verifier_name },
            approved: v.approved === 1,
            at: v.at,
          };
        }),
    };
  });
}

function briefsWithNames(db: DbOrTx) {
  return db
    .selectFrom('briefs')
    .innerJoin('accounts as author', 'author.id', 'briefs.author_id')
    .leftJoin('accounts as iv', 'iv.id', 'briefs.iv_id')
    .selectAll('briefs')
    .select([
      fullName('author').as('author_name'),
      sql<string | null>`${fullName('iv')}`.as('iv_name'),
    ]);
}

export async function findBrief(
  db: DbOrTx,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Brief | undefined> {
  let query = briefsWithNames(db).where('briefs.id', '=', id);
  // Lock the brief only: PostgreSQL cannot lock the nullable side of the outer join to its IV.
  if (options.lock) query = query.forUpdate('briefs');
  const row = await query.executeTakeFirst();
  return row ? (await hydrate(db, [row]))[0] : undefined;
}

/** Briefs an actor might see; `decide()` has the last word on each. */
export async function listCandidateBriefs(
  db: DbOrTx,
  scope: {
    centreId: string;
    accountId: string;
    qnSiteIds: readonly string[];
    teams: readonly { siteId: string; subjectId: string }[];
  },
  filter: { courseId?: string; status?: BriefStatus },
): Promise<Brief[]> {
  let query = briefsWithNames(db)
    .where('briefs.centre_id', '=', scope.centreId)
    .where((eb) =>
      eb.or([
        eb('briefs.author_id', '=', scope.accountId),
        eb('briefs.iv_id', '=', scope.accountId),
        eb(
          'briefs.id',
          'in',
          eb
            .selectFrom('brief_verifications')
            .select('brief_id')
            .where('verifier_id', '=', scope.accountId),
        ),
        eb(
          'briefs.course_id',
          'in',
          eb
            .selectFrom('course_team')
            .select('course_id')
            .where('account_id', '=', scope.accountId),
        ),
        ...(scope.qnSiteIds.length > 0 ? [eb('briefs.site_id', 'in', scope.qnSiteIds)] : []),
        ...scope.teams.map((team) =>
          eb.and([
            eb('briefs.site_id', '=', team.siteId),
            eb('briefs.subject_id', '=', team.subjectId),
          ]),
        ),
      ]),
    );
  if (filter.courseId) query = query.where('briefs.course_id', '=', filter.courseId);
  if (filter.status) query = query.where('briefs.status', '=', filter.status);
  const rows = await query.orderBy('briefs.updated_at', 'desc').limit(500).execute();
  return hydrate(db, rows);
}

export async function insertBrief(
  db: DbOrTx,
  brief: {
    centreId: string;
    siteId: string;
    subjectId: string;
    courseId: string;
    unitId: string;
    authorId: string;
  },
  content: BriefVersionContent,
  now: Date,
): Promise<string> {
  const id = newId();
  await db
    .insertInto('briefs')
    .values({
      id,
      centre_id: brief.centreId,
      site_id: brief.siteId,
      subject_id: brief.subjectId,
      course_id: brief.courseId,
      unit_id: brief.unitId,
      author_id: brief.authorId,
      status: 'draft',
      version: 1,
      iv_id: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .execute();
  await insertVersion(db, id, 1, content, brief.authorId, now);
  return id;
}

function versionContent(content: BriefVersionContent): string {
  const { title: _title, ...rest } = content;
  return JSON.stringify(rest);
}

export async function insertVersion(
  db: DbOrTx,
  briefId: string,
  version: number,
  content: BriefVersionContent,
  byId: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto('brief_versions')
    .values({
      brief_id: briefId,
      version,
      title: content.title,
      content: versionContent(content),
      created_by_id: byId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .execute();
}

export async function updateVersion(
  db: DbOrTx,
  briefId: string,
  version: number,
  content: BriefVersionContent,
  now: Date,
): Promise<void> {
  await db
    .updateTable('brief_versions')
    .set({ title: content.title, content: versionContent(content), updated_at: now.toISOString() })
    .where('brief_id', '=', briefId)
    .where('version', '=', version)
    .execute();
}

/** Moves a brief on only if it is still in the expected status; says whether this call did. */
export async function changeBriefStatus(
  db: DbOrTx,
  id: string,
  from: BriefStatus,
  change: { status: BriefStatus; version?: number; ivId?: string | null },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('briefs')
    .set({
      status: change.status,
      updated_at: now.toISOString(),
      ...(change.version !== undefined ? { version: change.version } : {}),
      ...(change.ivId !== undefined ? { iv_id: change.ivId } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertVerification(
  db: DbOrTx,
  record: Omit<VerificationRecord, 'id' | 'at'> & { briefId: string },
  now: Date,
): Promise<void> {
  const { briefId, version, verifier, approved, ...rest } = record;
  await db
    .insertInto('brief_verifications')
    .values({
      id: newId(),
      brief_id: briefId,
      version,
      verifier_id: verifier.id,
      verifier_name: verifier.name,
      approved: approved ? 1 : 0,
      record: JSON.stringify(rest),
      at: now.toISOString(),
    })
    .execute();
}

/** A unit's criteria codes, and whether the unit is one of the course's. */
export async function unitOfCourse(
  db: DbOrTx,
  courseId: string,
  unitId: string,
): Promise<{ criteria: string[]; aims: string[] } | undefined> {
  const onCourse = await db
    .selectFrom('course_units')
    .select('unit_id')
    .where('course_id', '=', courseId)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
  if (!onCourse) return undefined;
  const [criteria, aims] = await Promise.all([
    db
      .selectFrom('criteria')
      .select('code')
      .where('unit_id', '=', unitId)
      .orderBy('sort_order')
      .execute(),
    db
      .selectFrom('learning_aims')
      .select('code')
      .where('unit_id', '=', unitId)
      .orderBy('code')
      .execute(),
  ]);
  return { criteria: criteria.map((c) => c.code), aims: aims.map((a) => a.code) };
}

/** How to reach someone, and whether they may sign in to myBTEC at all. */
export async function contactOf(
  db: DbOrTx,
  id: string,
): Promise<
  | { id: string; username: string; first_name: string; centre_id: string; canSignIn: boolean }
  | undefined
> {
  const row = await db
    .selectFrom('accounts')
    .select(['id', 'username', 'first_name', 'centre_id', 'mybtec_access'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { mybtec_access: access, ...contact } = row;
  return { ...contact, canSignIn: access === 1 };
}

/** Someone of the subject's team at a site, and whether they may sign in to myBTEC. */
export interface TeamPerson extends EligiblePerson {
  canSignIn: boolean;
}

/**
 * Whom a brief can name as its assessor or be sent to for verification: the subject's team at the
 * site (see `eligiblePeople`: approved roles and the site's Quality Nominees), each with whether
 * their myBTEC access is ticked. Who of them fits is `src/domain`'s to say.
 */
export async function subjectTeam(
  db: DbOrTx,
  scope: { centreId: string; siteId: string; subjectId: string },
): Promise<TeamPerson[]> {
  const people = await eligiblePeople(db, scope);
  if (people.length === 0) return [];
  const allowed = await db
    .selectFrom('accounts')
    .select('id')
    .where(
      'id',
      'in',
      people.map((p) => p.id),
    )
    .where('mybtec_access', '=', 1)
    .execute();
  const canSignIn = new Set(allowed.map((row) => row.id));
  return people.map((person) => ({ ...person, canSignIn: canSignIn.has(person.id) }));
}

/** Course titles and unit numbers and titles, by id, for lists of briefs. */
export async function briefLabels(
  db: DbOrTx,
  courseIds: readonly string[],
  unitIds: readonly string[],
): Promise<{
  courses: Map<string, string>;
  units: Map<string, { number: string; title: string }>;
}> {
  const [courses, units] = await Promise.all([
    courseIds.length > 0
      ? db.selectFrom('courses').select(['id', 'title']).where('id', 'in', courseIds).execute()
      : [],
    unitIds.length > 0
      ? db
          .selectFrom('units')
          .select(['id', 'number', 'title'])
          .where('id', 'in', unitIds)
          .execute()
      : [],
  ]);
  return {
    courses: new Map(courses.map((c) => [c.id, c.title])),
    units: new Map(units.map((u) => [u.id, { number: u.number, title: u.title }])),
  };
}

/** Full names of some people, by id (the assessors and editors a brief's history names). */
export async function personNames(
  db: DbOrTx,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'first_name', 'last_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, `${r.first_name} ${r.last_name}`]));
}
