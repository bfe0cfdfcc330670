import { cascade } from '../../domain/roles.js';
import type { Claim } from './role-claim.repository.js';

/** A claim on the wire (SPEC §10). */
export function presentClaim(claim: Claim) {
  return {
    id: claim.id,
    status: claim.status,
    role: claim.role,
    siteId: claim.siteId,
    subjectId: claim.subjectId,
    claimant: claim.claimant,
    approvers: claim.approvers,
    permissions: cascade(claim.role),
    createdAt: claim.createdAt,
    ...(claim.decidedAt ? { decidedAt: claim.decidedAt } : {}),
    ...(claim.decidedBy ? { decidedBy: claim.decidedBy } : {}),
    ...(claim.reason ? { reason: claim.reason } : {}),
  };
}
