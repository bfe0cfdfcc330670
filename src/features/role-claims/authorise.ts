import type { Db, DbOrTx } from '../../db/connection.js';
import type { Actor } from '../../domain/actor.js';
import { decide, type Action, type Target } from '../../domain/permissions.js';
import { Forbidden, NotFound, RoleNotApproved } from '../../errors.js';
import { qualityNomineesOf } from '../organisation/organisation.repository.js';
import { approvedLivs, type PersonRef } from './role-claim.repository.js';

export type Authorise = (
  actor: Actor,
  action: Action,
  target: Target,
  trx?: DbOrTx,
) => Promise<void>;

/**
 * Asks `decide()` and turns a refusal into the typed error the API and pages answer with. Only
 * when refusing does it look up whom to ask (the subject's LIVs, the site's Quality Nominees), so
 * the sentence can name them.
 */
export function createAuthoriser(db: Db): Authorise {
  return async (actor, action, target, trx = db) => {
    let decision = decide(actor, action, target);
    if (decision.allowed) return;
    if (decision.code === 'not_found') throw new NotFound();
    const qns = await qualityNomineesOf(trx, target.siteId);
    const askWho = {
      livs: await approvedLivs(trx, target.siteId, target.subjectId),
      qns: [qns.site, qns.centre].filter((p): p is PersonRef => p !== null),
    };
    decision = decide(actor, action, { ...target, askWho });
    if (decision.allowed) return;
    if (decision.code === 'role_not_approved') throw new RoleNotApproved(decision.reason);
    throw new Forbidden(decision.reason);
  };
}
