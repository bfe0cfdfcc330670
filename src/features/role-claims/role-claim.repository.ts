import { sql } from 'kysely';
import type { DbOrTx } from '../../db/connection.js';
import type { ClaimRow } from '../../db/schema.js';
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

/** The approved and pending roles of one person: what the per-request actor index is built from. */
export async function grantsOf(db: DbOrTx, accountId: string): Promise<ActorRoleGrant[]> {
  const rows = await db
    .selectFrom('claims')
    .select(['site_id', 'subject_id', 'role', 'status'])
    .where('claimant_id', '=', accountId)
    .where('status', 'in', ['approved', 'pending'])
    .execute();
  return rows.flatMap((row) =>
    isRole(row.role) && (row.status === 'approved' || row.status === 'pending')
      ? [{ siteId: row.site_id, subjectId: row.subject_id, role: row.role, status: row.status }]
      : [],
  );
}

/** The sites where the account is Quality Nominee: recorded for the site, or for the whole centre. */
export async function qnSiteIdsOf(
  db: DbOrTx,
  accountId: string,
  centreId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('sites')
    .innerJoin('centres', 'centres.id', 'sites.centre_id')
    .select('sites.id')
    .where('sites.centre_id', '=', centreId)
    .where((eb) =>
      eb.or([
        eb('sites.quality_nominee_id', '=', accountId),
        eb('centres.quality_nominee_id', '=', accountId),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
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

/**
 * Claims that the approver might decide or has seen: in the sites they are QN of, or in the
 * subject teams they lead. `decide()` has the last word on each one.
 */
export async function listClaimsInScope(
  db: DbOrTx,
  scope: {
    centreId: string;
    qnSiteIds: readonly string[];
    livTeams: readonly { siteId: string; subjectId: string }[];
  },
  options: { statuses: ClaimStatus[]; limit: number; excludeClaimantId: string },
): Promise<Claim[]> {
  if (scope.qnSiteIds.length === 0 && scope.livTeams.length === 0) return [];
  const rows = await claimsWithNames(db)
    .where('claims.centre_id', '=', scope.centreId)
    .where('claims.status', 'in', options.statuses)
    .where('claims.claimant_id', '!=', options.excludeClaimantId)
    .where((eb) =>
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
    )
    .orderBy('claims.created_at', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map(toClaim);
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
