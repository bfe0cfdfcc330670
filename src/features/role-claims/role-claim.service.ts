import type { Clock } from '../../clock.js';
import type { Db, Tx } from '../../db/connection.js';
import { buildActor, type Actor } from '../../domain/actor.js';
import {
  approverLabel,
  approversFor,
  canTransition,
  mayClaimAt,
  mayWithdraw,
  nextStatus,
  qnNeedNotClaimSentence,
  type ClaimEvent,
} from '../../domain/claims.js';
import { decide, type Target } from '../../domain/permissions.js';
import { permissionsSentence, roleName, withArticle, type Role } from '../../domain/roles.js';
import { AppError, Conflict, InvalidInput, NotFound } from '../../errors.js';
import { paths } from '../../paths.js';
import type { Account } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import { queueEmail } from '../notifications/outbox.repository.js';
import {
  findCentre,
  findSite,
  listSites,
  listSubjects,
  qualityNomineesOf,
  type Site,
  type Subject,
} from '../organisation/organisation.repository.js';
import { createAuthoriser } from './authorise.js';
import {
  actorIndexOf,
  approvedLivs,
  lockAccount,
  changeStatus,
  findClaim,
  findClaimOf,
  insertClaim,
  listClaimKeysInScope,
  listClaimsByIds,
  listClaimsInScope,
  listClaimsOf,
  type Claim,
  type ClaimKey,
  type PersonRef,
} from './role-claim.repository.js';

export interface DecisionInput {
  claimId: string;
  approve: boolean;
  reason?: string;
}

export type DecisionResult =
  | { claimId: string; status: Claim['status'] }
  | { claimId: string; error: { code: string; message: string } };

const REASON_MAX = 1000;

/** How many pending claims the User role approval page shows at once. */
export const APPROVALS_PAGE_SIZE = 50;

/** Where a page falls in a list: 1-based page and page count, and the slice [first, end). */
export interface PageWindow {
  page: number;
  pageCount: number;
  total: number;
  first: number;
  end: number;
}

export interface PendingPage extends PageWindow {
  claims: Claim[];
}

/** The page asked for, kept between the first and the last page (one page when the list is empty). */
export function pageWindow(total: number, requestedPage: number, pageSize: number): PageWindow {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(requestedPage) || 1), pageCount);
  const first = (page - 1) * pageSize;
  return { page, pageCount, total, first, end: Math.min(first + pageSize, total) };
}

export type RoleClaimService = ReturnType<typeof createRoleClaimService>;

/**
 * The role-claim workflow of the guide: claiming, routing, deciding, withdrawing, revoking.
 * Every change writes its audit row and queues its emails in the same transaction; who may do
 * what is asked of `decide()` in src/domain, nowhere else.
 */
export function createRoleClaimService(deps: { db: Db; clock: Clock; baseUrl: string }) {
  const { db, clock, baseUrl } = deps;
  let subjectsCache: Promise<Map<string, Subject>> | undefined;
  // The subject catalogue is fixed by migration, so it is read once.
  const subjects = () =>
    (subjectsCache ??= listSubjects(db).then((list) => new Map(list.map((s) => [s.id, s]))));
  const subjectName = async (id: string) => (await subjects()).get(id)?.name ?? id;
  const approvalLink = `${baseUrl}${paths.approvals}`;

  /** The per-request index of who the person is: QN sites, approved and pending roles. */
  async function loadActor(
    account: Pick<Account, 'id' | 'name' | 'centreId'>,
    trx: Db | Tx = db,
  ): Promise<Actor> {
    const { qnSiteIds, grants } = await actorIndexOf(trx, account.id, account.centreId);
    return buildActor({
      accountId: account.id,
      name: account.name,
      centreId: account.centreId,
      qnSiteIds,
      grants,
    });
  }

  async function targetFor(
    claim: Pick<Claim, 'centreId' | 'siteId' | 'subjectId' | 'role'> & { claimantId: string },
  ): Promise<Target> {
    return {
      centreId: claim.centreId,
      siteId: claim.siteId,
      subjectId: claim.subjectId,
      subjectName: await subjectName(claim.subjectId),
      claimantId: claim.claimantId,
      claimRole: claim.role,
    };
  }

  const authorise = createAuthoriser(db);

  /**
   * The actor's roles as they stand now, inside the transaction that holds the claim's row lock:
   * the index loaded at the start of the request may predate a revocation of the approver's role.
   */
  function reloadActor(trx: Tx, actor: Actor): Promise<Actor> {
    return loadActor({ id: actor.accountId, name: actor.name, centreId: actor.centreId }, trx);
  }

  /**
   * Moves a claim by the event as the domain's transition table allows, and only if its row is
   * still in the status read. The new status, or null when the table refuses the event or the row
   * has moved meanwhile (then nothing was written, so no audit row may follow).
   */
  async function move(
    trx: Tx,
    claim: Pick<Claim, 'id' | 'status'>,
    event: ClaimEvent,
    decision?: { at: Date; by: PersonRef | null; reason: string | null },
  ): Promise<Claim['status'] | null> {
    const to = nextStatus(claim.status, event);
    if (to === null) return null;
    return (await changeStatus(trx, claim.id, claim.status, to, decision)) ? to : null;
  }

  async function siteOfCentre(actor: Actor, siteId: string): Promise<Site> {
    const site = await findSite(db, siteId);
    if (!site || site.centreId !== actor.centreId) throw new NotFound();
    return site;
  }

  /** Who a claim would go to now, as people: the guide's "who needs to approve the role claim". */
  async function routeOf(
    trx: Db | Tx,
    claim: { siteId: string; subjectId: string; role: Role; claimantId: string },
  ) {
    const [livs, qns] = await Promise.all([
      approvedLivs(trx, claim.siteId, claim.subjectId),
      qualityNomineesOf(trx, claim.siteId),
    ]);
    const route = approversFor(
      { role: claim.role, claimantId: claim.claimantId },
      {
        livIds: livs.map((p) => p.id),
        siteQnIds: qns.site ? [qns.site.id] : [],
        centreQnIds: qns.centre ? [qns.centre.id] : [],
      },
    );
    const people = new Map(
      [...livs, ...[qns.site, qns.centre].filter((p): p is PersonRef => p !== null)].map((p) => [
        p.id,
        p,
      ]),
    );
    return {
      kind: route.kind,
      label: approverLabel(route.kind),
      approvers: route.ids.flatMap((id) => people.get(id) ?? []),
    };
  }

  async function usernames(
    trx: Tx,
    ids: string[],
  ): Promise<Map<string, { username: string; firstName: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await trx
      .selectFrom('accounts')
      .select(['id', 'username', 'first_name'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, { username: r.username, firstName: r.first_name }]));
  }

  function audit(
    trx: Tx,
    actor: Actor,
    action: string,
    claim: { id: string; siteId: string; subjectId: string },
    ip: string,
    details: Record<string, unknown>,
  ) {
    return recordAudit(trx, {
      at: clock.now(),
      actor: { id: actor.accountId, name: actor.name },
      action,
      target: { type: 'claim', id: claim.id },
      centreId: actor.centreId,
      siteId: claim.siteId,
      subjectId: claim.subjectId,
      ip,
      details,
    });
  }

  async function makeClaim(
    actor: Actor,
    input: { siteId: string; subjectId: string; role: Role },
    ip: string,
  ): Promise<Claim> {
    const site = await siteOfCentre(actor, input.siteId);
    const subject = (await subjects()).get(input.subjectId);
    if (!subject) throw new InvalidInput({ subjectId: 'Select a subject area' });
    if (!mayClaimAt(actor, site.id)) {
      throw new InvalidInput({ siteId: qnNeedNotClaimSentence(site.number) });
    }
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      // One claim at a time per person: two tabs claiming at once must not both supersede and insert.
      await lockAccount(trx, actor.accountId);
      const approved = await findClaimOf(trx, actor.accountId, site.id, subject.id, 'approved');
      if (approved?.role === input.role) {
        throw new InvalidInput({
          role: `You are already approved as ${withArticle(roleName(input.role))} in ${subject.name} at site ${site.number}`,
        });
      }
      const found = await findClaimOf(trx, actor.accountId, site.id, subject.id, 'pending');
      // Decided meanwhile by an approver (who locks the claim, not the account): nothing replaced.
      const pending = found && (await move(trx, found, 'supersede')) ? found : undefined;
      if (pending) {
        await audit(trx, actor, 'claim.superseded', pending, ip, {
          role: pending.role,
          supersededBy: 'new claim',
        });
      }
      const route = await routeOf(trx, { ...input, claimantId: actor.accountId });
      const claimId = await insertClaim(
        trx,
        {
          centreId: actor.centreId,
          siteId: site.id,
          subjectId: subject.id,
          claimantId: actor.accountId,
          role: input.role,
          approvers: route.approvers,
        },
        now,
      );
      await audit(
        trx,
        actor,
        'claim.created',
        { id: claimId, siteId: site.id, subjectId: subject.id },
        ip,
        {
          role: input.role,
          approvers: route.approvers.map((p) => p.id),
          ...(pending ? { supersedes: pending.id } : {}),
        },
      );
      const contacts = await usernames(
        trx,
        route.approvers.map((p) => p.id),
      );
      for (const approver of route.approvers) {
        const contact = contacts.get(approver.id);
        if (!contact) continue;
        await queueEmail(
          trx,
          {
            to: contact.username,
            subject: `Role claim to review: ${actor.name}, ${roleName(input.role)} in ${subject.name}`,
            text:
              `Dear ${contact.firstName},\n\n` +
              `${actor.name} has claimed the role of ${roleName(input.role)} for ${subject.name} at site ${site.number} (${site.name}).\n\n` +
              `As their ${route.label} you need to approve or reject this claim. Until it is approved they can build courses and create assignment briefs as drafts, but cannot confirm a course or send an assignment to their IV.\n\n` +
              `Review the claim on the User role approval screen:\n${approvalLink}\n\nmyBTEC`,
          },
          now,
        );
      }
      return claimId;
    });
    return (await findClaim(db, id)) as Claim;
  }

  async function withdraw(actor: Actor, claimId: string, ip: string): Promise<Claim> {
    await db.transaction().execute(async (trx) => {
      const claim = await findClaim(trx, claimId, { lock: true });
      if (!claim || !mayWithdraw(actor, { ...claim, claimantId: claim.claimant.id })) {
        throw new NotFound();
      }
      const moved = await move(trx, claim, 'withdraw', {
        at: clock.now(),
        by: { id: actor.accountId, name: actor.name },
        reason: null,
      });
      if (moved === null) {
        throw new Conflict(`This claim is ${claim.status}, so it can no longer be withdrawn.`);
      }
      await audit(trx, actor, 'claim.withdrawn', claim, ip, { role: claim.role });
    });
    return (await findClaim(db, claimId)) as Claim;
  }

  function claimantEmail(
    claim: Claim,
    event: Extract<ClaimEvent, 'approve' | 'reject' | 'revoke'>,
    decider: string,
    subject: string,
    site: Site,
    reason: string | null,
  ): { subject: string; text: string } {
    const role = roleName(claim.role);
    const where = `${subject} at site ${site.number} (${site.name})`;
    const because = reason ? `\n\nThe reason given: ${reason}` : '';
    const talk =
      claim.role === 'lead_internal_verifier'
        ? `We suggest you discuss this directly with ${decider}, your Quality Nominee.`
        : `We suggest you discuss this directly with ${decider}.`;
    switch (event) {
      case 'approve':
        return {
          subject: `Your role claim has been approved: ${role} in ${subject}`,
          text: `${decider} has approved your claim to be ${withArticle(role)} for ${where}.${because}\n\nYou now have the following permissions within this subject: ${permissionsSentence(claim.role)}.\n\nmyBTEC`,
        };
      case 'reject':
        return {
          subject: `Your role claim has been rejected: ${role} in ${subject}`,
          text: `${decider} has rejected your claim to be ${withArticle(role)} for ${where}.${because}\n\n${talk}\n\nYou can see the status of all your claims on the Claim roles screen.\n\nmyBTEC`,
        };
      case 'revoke':
        return {
          subject: `Your role has been taken back: ${role} in ${subject}`,
          text: `${decider} has taken back your approved role of ${role} for ${where}.${because}\n\n${talk}\n\nmyBTEC`,
        };
    }
  }

  /**
   * One decision, in its own transaction: lock, authorise, check still pending, record, audit,
   * email. Resolves with the status this decision gave the claim (no second read afterwards).
   */
  async function decideOne(
    actor: Actor,
    input: DecisionInput,
    ip: string,
  ): Promise<Claim['status']> {
    const reason = input.reason?.trim() ? input.reason.trim().slice(0, REASON_MAX) : null;
    const event = input.approve ? 'approve' : 'reject';
    await subjects(); // read before the transaction: on SQLite it holds the only connection
    return db.transaction().execute(async (trx) => {
      const claim = await findClaim(trx, input.claimId, { lock: true });
      if (!claim) throw new NotFound();
      await authorise(
        await reloadActor(trx, actor),
        'claim.decide',
        await targetFor({ ...claim, claimantId: claim.claimant.id }),
        trx,
      );
      if (!canTransition(claim.status, event)) {
        throw new Conflict(
          `This claim has already been ${claim.status}${claim.decidedBy ? ` by ${claim.decidedBy.name}` : ''}.`,
        );
      }
      const now = clock.now();
      const decider = { id: actor.accountId, name: actor.name };
      if (event === 'approve') {
        const previous = await findClaimOf(
          trx,
          claim.claimant.id,
          claim.siteId,
          claim.subjectId,
          'approved',
        );
        // Taken back meanwhile (the revoker locks that claim, not this one): nothing to replace.
        if (previous && (await move(trx, previous, 'supersede'))) {
          await audit(trx, actor, 'claim.superseded', previous, ip, {
            role: previous.role,
            supersededBy: claim.id,
          });
        }
      }
      const to = await move(trx, claim, event, { at: now, by: decider, reason });
      if (to === null) throw new Conflict('This claim has just been decided by someone else.');
      await audit(
        trx,
        actor,
        event === 'approve' ? 'claim.approved' : 'claim.rejected',
        claim,
        ip,
        {
          role: claim.role,
          claimantId: claim.claimant.id,
          ...(reason ? { reason } : {}),
        },
      );
      await emailClaimant(trx, claim, event, actor.name, reason, now);
      return to;
    });
  }

  async function emailClaimant(
    trx: Tx,
    claim: Claim,
    event: 'approve' | 'reject' | 'revoke',
    decider: string,
    reason: string | null,
    now: Date,
  ) {
    const contact = (await usernames(trx, [claim.claimant.id])).get(claim.claimant.id);
    const site = await findSite(trx, claim.siteId);
    if (!contact || !site) return;
    const email = claimantEmail(
      claim,
      event,
      decider,
      await subjectName(claim.subjectId),
      site,
      reason,
    );
    await queueEmail(
      trx,
      {
        to: contact.username,
        subject: email.subject,
        text: `Dear ${contact.firstName},\n\n${email.text}`,
      },
      now,
    );
  }

  /** Several decisions at once; one refused row does not stop the others. */
  async function decideMany(
    actor: Actor,
    decisions: DecisionInput[],
    ip: string,
  ): Promise<DecisionResult[]> {
    const results: DecisionResult[] = [];
    for (const input of decisions) {
      try {
        results.push({ claimId: input.claimId, status: await decideOne(actor, input, ip) });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({
          claimId: input.claimId,
          error: { code: error.code, message: error.message },
        });
      }
    }
    return results;
  }

  async function revoke(
    actor: Actor,
    claimId: string,
    reasonInput: string | undefined,
    ip: string,
  ): Promise<Claim> {
    const reason = reasonInput?.trim() ? reasonInput.trim().slice(0, REASON_MAX) : null;
    await subjects(); // read before the transaction: on SQLite it holds the only connection
    await db.transaction().execute(async (trx) => {
      const claim = await findClaim(trx, claimId, { lock: true });
      if (!claim) throw new NotFound();
      await authorise(
        await reloadActor(trx, actor),
        'claim.revoke',
        await targetFor({ ...claim, claimantId: claim.claimant.id }),
        trx,
      );
      const now = clock.now();
      const moved = await move(trx, claim, 'revoke', {
        at: now,
        by: { id: actor.accountId, name: actor.name },
        reason,
      });
      if (moved === null) {
        throw new Conflict(
          `Only an approved role can be taken back; this claim is ${claim.status}.`,
        );
      }
      await audit(trx, actor, 'claim.revoked', claim, ip, {
        role: claim.role,
        claimantId: claim.claimant.id,
        ...(reason ? { reason } : {}),
      });
      await emailClaimant(trx, claim, 'revoke', actor.name, reason, now);
    });
    return (await findClaim(db, claimId)) as Claim;
  }

  function livTeams(actor: Actor) {
    return [...actor.approved].flatMap(([key, role]) => {
      if (role !== 'lead_internal_verifier') return [];
      const [siteId = '', subjectId = ''] = key.split(':');
      return [{ siteId, subjectId }];
    });
  }

  function scopeOf(actor: Actor) {
    return {
      centreId: actor.centreId,
      qnSiteIds: [...actor.qnSiteIds],
      livTeams: livTeams(actor),
    };
  }

  /** A claim as `decide()` sees it, with the subject names already read. */
  function targetOfClaim(
    names: Map<string, Subject>,
    claim: Pick<ClaimKey, 'centreId' | 'siteId' | 'subjectId' | 'claimantId' | 'role'>,
  ): Target {
    return {
      centreId: claim.centreId,
      siteId: claim.siteId,
      subjectId: claim.subjectId,
      subjectName: names.get(claim.subjectId)?.name ?? '',
      claimantId: claim.claimantId,
      claimRole: claim.role,
    };
  }

  /** Whether the actor may decide this claim now: `decide()`'s answer, worked out now. */
  function mayDecide(
    actor: Actor,
    names: Map<string, Subject>,
    claim: Pick<ClaimKey, 'centreId' | 'siteId' | 'subjectId' | 'claimantId' | 'role'>,
  ): boolean {
    return decide(actor, 'claim.decide', targetOfClaim(names, claim)).allowed;
  }

  /**
   * Every pending claim the actor may decide now (worked out now, not when they were made),
   * newest first: the API's list, which is never cut short.
   */
  async function pendingForDecision(actor: Actor): Promise<Claim[]> {
    const candidates = await listClaimsInScope(db, scopeOf(actor), {
      statuses: ['pending'],
      excludeClaimantId: actor.accountId,
    });
    const names = await subjects();
    return candidates.filter((claim) =>
      mayDecide(actor, names, { ...claim, claimantId: claim.claimant.id }),
    );
  }

  /**
   * The ids of the same claims as `pendingForDecision`, in the same order, read without the
   * claimants' names or the approvers: what a page of them is chosen from.
   */
  async function pendingIdsForDecision(actor: Actor): Promise<string[]> {
    const candidates = await listClaimKeysInScope(db, scopeOf(actor), {
      statuses: ['pending'],
      excludeClaimantId: actor.accountId,
    });
    const names = await subjects();
    return candidates.filter((key) => mayDecide(actor, names, key)).map((key) => key.id);
  }

  /** Where the page asked for (1-based) falls in those ids: the last page when it is past the end. */
  async function pendingWindow(actor: Actor, requestedPage: number) {
    const ids = await pendingIdsForDecision(actor);
    return { ids, window: pageWindow(ids.length, requestedPage, APPROVALS_PAGE_SIZE) };
  }

  /** One page of `pendingForDecision`: only that page's claims are read in full. */
  async function pendingPageForDecision(actor: Actor, requestedPage: number): Promise<PendingPage> {
    const { ids, window } = await pendingWindow(actor, requestedPage);
    const claims = await listClaimsByIds(db, ids.slice(window.first, window.end), ['pending']);
    return { ...window, claims };
  }

  /** The page to return to after deciding: the one asked for, or the last one left. */
  async function pendingPageAfterDecisions(actor: Actor, requestedPage: number): Promise<number> {
    return (await pendingWindow(actor, requestedPage)).window.page;
  }

  /**
   * Decided claims in the approver's scope, newest first, so they stay listed with their status;
   * each says whether the actor may take it back now (the domain's answer, not the query's scope).
   */
  async function recentlyDecided(
    actor: Actor,
    limit = 50,
  ): Promise<{ claim: Claim; mayRevoke: boolean }[]> {
    const claims = await listClaimsInScope(db, scopeOf(actor), {
      statuses: ['approved', 'rejected', 'revoked'],
      limit,
      excludeClaimantId: actor.accountId,
      newestOnly: true,
    });
    const names = await subjects();
    return claims.map((claim) => ({
      claim,
      mayRevoke:
        canTransition(claim.status, 'revoke') &&
        decide(
          actor,
          'claim.revoke',
          targetOfClaim(names, { ...claim, claimantId: claim.claimant.id }),
        ).allowed,
    }));
  }

  /** What the claim screen tells a person before they submit: who would approve, and the sentence. */
  async function preview(actor: Actor, input: { siteId: string; subjectId: string; role: Role }) {
    const route = await routeOf(db, { ...input, claimantId: actor.accountId });
    return route;
  }

  /** A claim of the actor's centre, or undefined: a claim of another centre is never named. */
  async function claimInCentre(actor: Actor, id: string): Promise<Claim | undefined> {
    const claim = await findClaim(db, id);
    return claim?.centreId === actor.centreId ? claim : undefined;
  }

  return {
    loadActor,
    subjects: async () => [...(await subjects()).values()],
    sites: (actor: Actor) => listSites(db, actor.centreId),
    centre: async (actor: Actor) => {
      const centre = await findCentre(db, actor.centreId);
      if (!centre) throw new NotFound();
      return { id: centre.id, number: centre.number, name: centre.name };
    },
    siteOfCentre,
    makeClaim,
    withdraw,
    decideMany,
    revoke,
    myClaims: (actor: Actor) => listClaimsOf(db, actor.accountId),
    pendingForDecision,
    pendingPageForDecision,
    pendingPageAfterDecisions,
    recentlyDecided,
    preview,
    claimInCentre,
  };
}
