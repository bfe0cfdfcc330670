// Who the actor is, loaded once per request: the sites where they are Quality Nominee and, per
// site+subject, their approved role and their pending claim. Permission decisions read only this.

import { TOP_RANK, rankOf, type Role } from './roles.js';

export interface ActorRoleGrant {
  siteId: string;
  subjectId: string;
  role: Role;
  status: 'approved' | 'pending';
}

export interface Actor {
  accountId: string;
  name: string;
  centreId: string;
  /** Every site where the actor is QN (a centre-wide QN has all the centre's sites here). */
  qnSiteIds: ReadonlySet<string>;
  /** Key `${siteId}:${subjectId}` → the approved role there. */
  approved: ReadonlyMap<string, Role>;
  /** Key `${siteId}:${subjectId}` → the pending claimed role there. */
  pending: ReadonlyMap<string, Role>;
}

export interface ActorInput {
  accountId: string;
  name: string;
  centreId: string;
  qnSiteIds: Iterable<string>;
  grants: readonly ActorRoleGrant[];
}

export function teamKey(siteId: string, subjectId: string): string {
  return `${siteId}:${subjectId}`;
}

export function buildActor(input: ActorInput): Actor {
  const approved = new Map<string, Role>();
  const pending = new Map<string, Role>();
  for (const grant of input.grants) {
    const map = grant.status === 'approved' ? approved : pending;
    const key = teamKey(grant.siteId, grant.subjectId);
    const held = map.get(key);
    // There should be one of each per team; should the data ever hold two, the senior one counts.
    if (held === undefined || rankOf(grant.role) > rankOf(held)) map.set(key, grant.role);
  }
  return {
    accountId: input.accountId,
    name: input.name,
    centreId: input.centreId,
    qnSiteIds: new Set(input.qnSiteIds),
    approved,
    pending,
  };
}

export function isQnOf(actor: Actor, siteId: string): boolean {
  return actor.qnSiteIds.has(siteId);
}

/** 5 for the QN of the site, else the rank of the approved role in that subject there, else 0. */
export function approvedRank(actor: Actor, siteId: string, subjectId: string): number {
  if (isQnOf(actor, siteId)) return TOP_RANK;
  const role = actor.approved.get(teamKey(siteId, subjectId));
  return role === undefined ? 0 : rankOf(role);
}

/** The higher of the approved and the pending rank there (5 for the QN of the site). */
export function claimedRank(actor: Actor, siteId: string, subjectId: string): number {
  const role = actor.pending.get(teamKey(siteId, subjectId));
  return Math.max(approvedRank(actor, siteId, subjectId), role === undefined ? 0 : rankOf(role));
}

/** The pending claimed role there, if any. */
export function pendingRole(actor: Actor, siteId: string, subjectId: string): Role | undefined {
  return actor.pending.get(teamKey(siteId, subjectId));
}
