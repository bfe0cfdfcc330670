import { sql, type ExpressionBuilder } from 'kysely';
import type { DbOrTx } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';
import type { ClaimRow, Database } from '../../db/schema.js';
import type { ActorRoleGrant } from '../../domain/actor.js';
import { isClaimStatus, type ClaimStatus } from '../../domain/claims.js';
import { isRole, type Role } from '../../domain/roles.js';
import { newId } from '../../lib/ids.js';

export interface PersonRef {
  id: string;
  name: string;
}

/** A claim as the services see it. */
export interface Claim {
  id: string;
  centreId: string;
  siteId: string;
  subjectId: string;
  claimant: PersonRef;
  role: Role;
  status: ClaimStatus;
  approvers: PersonRef[];
  createdAt: string;
  decidedAt: string | null;
  decidedBy: PersonRef | null;
  reason: string | null;
}

type ClaimWithName = ClaimRow & { claimant_name: string };

function toClaim(row: ClaimWithName): Claim {
  if (!isRole(row.role) || !isClaimStatus(row.status))
    throw new Error(`claim ${row.id} holds an unknown role or status`);
  return {
    id: row.id,
    centreId: row.centre_id,
    siteId: row.site_id,
    subjectId: row.subject_id,
    claimant: { id: row.claimant_id, name: row.claimant_name },
    role: row.role,
    status: row.status,
    approvers: JSON.parse(row.approvers) as PersonRef[],
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by_id
      ? { id: row.decided_by_id, name: row.decided_by_name ?? '' }
      : null,
    reason: row.reason,
  };
}

function claimsWithNames(db: DbOrTx) {
  return db
    .selectFrom('claims')
    .innerJoin('accounts', 'accounts.id', 'claims.claimant_id')
    .selectAll('claims')
    .select(sql<string>`accounts.first_name || ' ' || accounts.last_name`.as('claimant_name'));
}

const none = sql<string | null>`cast(null as text)`;

/**
 * What the per-request actor index is built from, in one query (one round trip on every signed-in
 * request): the sites where the account is Quality Nominee — recorded for the site, or for the
 * whole centre — and its approved and pending roles. Compiled once per database handle.
 */
const actorIndexRows = prepared((db, accountId: string, centreId: string) =>
  db
    .selectFrom('sites')
    .innerJoin('centres', 'centres.id', 'sites.centre_id')
    .select([
      sql<string>`'qn'`.as('kind'),
      'sites.id as site_id',
      none.as('subject_id'),
      none.as('role'),
      none.as('status'),
    ])
    .where('sites.centre_id', '=', centreId)
    .where((eb) =>
      eb.or([
        eb('sites.quality_nominee_id', '=', accountId),
        eb('centres.quality_nominee_id', '=', accountId),
      ]),
    )
    .unionAll(
      db
        .selectFrom('claims')
        .select([sql<string>`'grant'`.as('kind'), 'site_id', 'subject_id', 'role', 'status'])
        .where('claimant_id', '=', accountId)
        .where('status', 'in', ['approved', 'pending']),
    ),
);

export async function actorIndexOf(
  db: DbOrTx,
  accountId: string,
  centreId: string,
): Promise<{ qnSiteIds: string[]; grants: ActorRoleGrant[] }> {
  const rows = await actorIndexRows(db, accountId, centreId);
  const qnSiteIds: string[] = [];
  const grants: ActorRoleGrant[] = [];
  for (const row of rows) {
    if (row.kind === 'qn') qnSiteIds.push(row.site_id);
    else if (
      row.subject_id !== null &&
      isRole(row.role) &&
      (row.status === 'approved' || row.status === 'pending')
    ) {
      grants.push({
        siteId: row.site_id,
        subjectId: row.subject_id,
        role: row.role,
        status: row.status,
      });
    }
  }
  return { qnSiteIds, grants };
}

export async function findClaim(
  db: DbOrTx,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Claim | undefined> {
  let query = claimsWithNames(db).where('claims.id', '=', id);
  if (options.lock) query = query.forUpdate('claims');
  const row = await query.executeTakeFirst();
  return row && toClaim(row);
}

export async function listClaimsOf(db: DbOrTx, accountId: string): Promise<Claim[]> {
  const rows = await claimsWithNames(db)
    .where('claims.claimant_id', '=', accountId)
    .orderBy('claims.created_at', 'desc')
    .execute();
  return rows.map(toClaim);
}

export async function findClaimOf(
  db: DbOrTx,
  claimantId: string,
  siteId: string,
  subjectId: string,
  status: ClaimStatus,
): Promise<Claim | undefined> {
  const row = await claimsWithNames(db)
    .where('claims.claimant_id', '=', claimantId)
    .where('claims.site_id', '=', siteId)
    .where('claims.subject_id', '=', subjectId)
    .where('claims.status', '=', status)
    .executeTakeFirst();
  return row && toClaim(row);
}

export interface ApproverScope {
  centreId: string;
  qnSiteIds: readonly string[];
  livTeams: readonly { siteId: string; subjectId: string }[];
}

export interface ScopeOptions {
  statuses: ClaimStatus[];
  /** At most this many claims, the newest; every claim in scope when not given. */
  limit?: number;
  excludeClaimantId: string;
  /**
   * The limit is expected to cut a long list (a history, say the 50 latest decisions of
   * hundreds): the newest ids are chosen first from the index, and only those rows are read in
   * full and joined, instead of every candidate. Same rows, same order.
   */
  newestOnly?: boolean;
}

/** Which claims are in an approver's scope: in the sites they are QN of, or the teams they lead. */
function inScope(scope: ApproverScope, options: ScopeOptions) {
  return (eb: ExpressionBuilder<Database, 'claims'>) =>
    eb.and([
      eb('claims.centre_id', '=', scope.centreId),
      eb('claims.status', 'in', options.statuses),
      eb('claims.claimant_id', '!=', options.excludeClaimantId),
      eb.or([
        ...(scope.qnSiteIds.length > 0 ? [eb('claims.site_id', 'in', scope.qnSiteIds)] : []),
        ...scope.livTeams.map((team) =>
          eb.and([
            eb('claims.site_id', '=', team.siteId),
            eb('claims.subject_id', '=', team.subjectId),
            eb('claims.role', '!=', 'lead_internal_verifier'),
          ]),
        ),
      ]),
    ]);
}

/**
 * Claims that the approver might decide or has seen: in the sites they are QN of, or in the
 * subject teams they lead, newest first (claims made in the same instant in a fixed order, so a
 * list read twice, a page and then the next, keeps its order). `decide()` has the last word on
 * each one.
 */
export async function listClaimsInScope(
  db: DbOrTx,
  scope: ApproverScope,
  options: ScopeOptions,
): Promise<Claim[]> {
  if (scope.qnSiteIds.length === 0 && scope.livTeams.length === 0) return [];
  const { limit } = options;
  if (options.newestOnly && limit !== undefined) {
    const rows = await claimsWithNames(db)
      .where(
        'claims.id',
        'in',
        db
          .selectFrom('claims')
          .select('claims.id')
          .where(inScope(scope, options))
          .orderBy('claims.created_at', 'desc')
          .orderBy('claims.id', 'desc')
          .limit(limit),
      )
      .orderBy('claims.created_at', 'desc')
      .orderBy('claims.id', 'desc')
      .execute();
    return rows.map(toClaim);
  }
  let query = claimsWithNames(db)
    .where(inScope(scope, options))
    .orderBy('claims.created_at', 'desc')
    .orderBy('claims.id', 'desc');
  if (limit !== undefined) query = query.limit(limit);
  return (await query.execute()).map(toClaim);
}

/** What `decide()` needs to know of a claim, without its people or approvers. */
export interface ClaimKey {
  id: string;
  centreId: string;
  siteId: string;
  subjectId: string;
  claimantId: string;
  role: Role;
}

/**
 * The same claims as `listClaimsInScope`, in the same order, but only the columns a permission
 * decision needs: no join, no approvers to parse. For long lists of which a page is shown.
 */
export async function listClaimKeysInScope(
  db: DbOrTx,
  scope: ApproverScope,
  options: Omit<ScopeOptions, 'limit' | 'newestOnly'>,
): Promise<ClaimKey[]> {
  if (scope.qnSiteIds.length === 0 && scope.livTeams.length === 0) return [];
  const rows = await db
    .selectFrom('claims')
    .select([
      'claims.id',
      'claims.centre_id',
      'claims.site_id',
      'claims.subject_id',
      'claims.claimant_id',
      'claims.role',
    ])
    .where(inScope(scope, options))
    .orderBy('claims.created_at', 'desc')
    .orderBy('claims.id', 'desc')
    .execute();
  return rows.map((row) => {
    if (!isRole(row.role)) throw new Error(`claim ${row.id} holds an unknown role`);
    return {
      id: row.id,
      centreId: row.centre_id,
      siteId: row.site_id,
      subjectId: row.subject_id,
      claimantId: row.claimant_id,
      role: row.role,
    };
  });
}

/**
 * The claims with these ids that are still in one of `statuses`, in the order of `ids` (a claim
 * decided since its id was read is left out). For a page of ids: one parameter per id.
 */
export async function listClaimsByIds(
  db: DbOrTx,
  ids: readonly string[],
  statuses: ClaimStatus[],
): Promise<Claim[]> {
  if (ids.length === 0) return [];
  const rows = await claimsWithNames(db)
    .where('claims.id', 'in', [...ids])
    .where('claims.status', 'in', statuses)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, toClaim(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The approved Lead Internal Verifiers of a subject at a site. */
export async function approvedLivs(
  db: DbOrTx,
  siteId: string,
  subjectId: string,
): Promise<PersonRef[]> {
  return db
    .selectFrom('claims')
    .innerJoin('accounts', 'accounts.id', 'claims.claimant_id')
    .select([
      'accounts.id as id',
      sql<string>`accounts.first_name || ' ' || accounts.last_name`.as('name'),
    ])
    .where('claims.site_id', '=', siteId)
    .where('claims.subject_id', '=', subjectId)
    .where('claims.status', '=', 'approved')
    .where('claims.role', '=', 'lead_internal_verifier')
    .execute();
}

export async function insertClaim(
  db: DbOrTx,
  claim: {
    centreId: string;
    siteId: string;
    subjectId: string;
    claimantId: string;
    role: Role;
    approvers: PersonRef[];
  },
  now: Date,
): Promise<string> {
  const id = newId();
  await db
    .insertInto('claims')
    .values({
      id,
      centre_id: claim.centreId,
      site_id: claim.siteId,
      subject_id: claim.subjectId,
      claimant_id: claim.claimantId,
      role: claim.role,
      status: 'pending',
      approvers: JSON.stringify(claim.approvers),
      created_at: now.toISOString(),
      decided_at: null,
      decided_by_id: null,
      decided_by_name: null,
      reason: null,
    })
    .execute();
  return id;
}

/**
 * Moves a claim from one status to the next, only if it is still in the expected one: the
 * guard against two approvers deciding at once. Returns whether this call made the change.
 */
export async function changeStatus(
  db: DbOrTx,
  id: string,
  from: ClaimStatus,
  to: ClaimStatus,
  decision?: { at: Date; by: PersonRef | null; reason: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('claims')
    .set({
      status: to,
      ...(decision
        ? {
            decided_at: decision.at.toISOString(),
            decided_by_id: decision.by?.id ?? null,
            decided_by_name: decision.by?.name ?? null,
            reason: decision.reason,
          }
        : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Serialises one person's claim changes (PostgreSQL row lock; SQLite has one writer anyway). */
export async function lockAccount(db: DbOrTx, accountId: string): Promise<void> {
  await db.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
}
