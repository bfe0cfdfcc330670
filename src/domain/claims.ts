// The role-claim life cycle (SPEC §3) as a transition table, and who a claim is routed to.

import { isQnOf, type Actor } from './actor.js';
import type { Role } from './roles.js';

export const CLAIM_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'withdrawn',
  'superseded',
  'revoked',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const CLAIM_EVENTS = ['approve', 'reject', 'withdraw', 'supersede', 'revoke'] as const;
export type ClaimEvent = (typeof CLAIM_EVENTS)[number];

/**
 * Every allowed transition; anything not listed is refused. A pending claim is decided, withdrawn
 * by its claimant or superseded by a newer claim; an approved one is revoked by an approver or
 * superseded when a newer claim in the same site+subject is approved. The rest are final.
 */
export const CLAIM_TRANSITIONS: Readonly<
  Record<ClaimStatus, Readonly<Partial<Record<ClaimEvent, ClaimStatus>>>>
> = {
  pending: {
    approve: 'approved',
    reject: 'rejected',
    withdraw: 'withdrawn',
    supersede: 'superseded',
  },
  approved: { revoke: 'revoked', supersede: 'superseded' },
  rejected: {},
  withdrawn: {},
  superseded: {},
  revoked: {},
};

export function isClaimStatus(x: unknown): x is ClaimStatus {
  return typeof x === 'string' && (CLAIM_STATUSES as readonly string[]).includes(x);
}

/** The status after the event, or null when the event is not allowed in that status. */
export function nextStatus(status: ClaimStatus, event: ClaimEvent): ClaimStatus | null {
  return CLAIM_TRANSITIONS[status][event] ?? null;
}

export function canTransition(status: ClaimStatus, event: ClaimEvent): boolean {
  return nextStatus(status, event) !== null;
}

/**
 * May the actor claim a role at the site? Not its Quality Nominee, who already holds every role in
 * every subject there (SPEC §2); anyone else of the centre may claim at any of its sites.
 */
export function mayClaimAt(actor: Actor, siteId: string): boolean {
  return !isQnOf(actor, siteId);
}

/** What a Quality Nominee is told when they try to claim at their own site. */
export function qnNeedNotClaimSentence(siteNumber: string): string {
  return `You are the Quality Nominee for site ${siteNumber}, so you already have every role there: you do not need to claim roles at this site`;
}

/** Only the claimant withdraws their own claim; to anyone else it does not exist. */
export function mayWithdraw(
  actor: Actor,
  claim: { centreId: string; claimantId: string },
): boolean {
  return claim.centreId === actor.centreId && claim.claimantId === actor.accountId;
}

export type ApproverKind = 'liv' | 'qn';

export interface ApproverTeam {
  /** The approved Lead Internal Verifiers of the claim's subject at the claim's site. */
  livIds: readonly string[];
  /** The Quality Nominee(s) recorded for the claim's site itself. */
  siteQnIds: readonly string[];
  /** The Quality Nominee(s) recorded for the whole centre. */
  centreQnIds: readonly string[];
}

/**
 * Who a claim is routed to when it is made: an LIV claim to the site's own QN (where the site has
 * none, the centre's); any other claim to the subject's approved LIVs there, where there is none
 * to the QN. Nobody is routed their own claim. The ids may be empty when nobody can decide.
 */
export function approversFor(
  claim: { role: Role; claimantId: string },
  team: ApproverTeam,
): { ids: string[]; kind: ApproverKind } {
  const others = (ids: readonly string[]): string[] => [
    ...new Set(ids.filter((id) => id !== claim.claimantId)),
  ];
  if (claim.role !== 'lead_internal_verifier') {
    const livs = others(team.livIds);
    if (livs.length > 0) return { ids: livs, kind: 'liv' };
  }
  const siteQns = others(team.siteQnIds);
  return { ids: siteQns.length > 0 ? siteQns : others(team.centreQnIds), kind: 'qn' };
}

export function approverLabel(kind: ApproverKind): string {
  return kind === 'liv' ? 'Lead Internal Verifier' : 'Quality Nominee';
}
