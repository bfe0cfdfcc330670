import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { mayClaimAt, qnNeedNotClaimSentence } from '../../domain/claims.js';
import {
  approvalSentence,
  claimQuestion,
  permissionsSentence,
  ROLES,
  roleName,
  roleShortName,
  isRole,
  withArticle,
  type Role,
} from '../../domain/roles.js';
import { AppError, Conflict, InvalidInput } from '../../errors.js';
import { asForm, list, text, type FormBody } from '../../http/forms.js';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { Account } from '../accounts/account.repository.js';
import type { Site, Subject } from '../organisation/organisation.repository.js';
import type { Claim } from './role-claim.repository.js';
import type { RoleClaimService } from './role-claim.service.js';

const STATUS_TEXT: Record<Claim['status'], string> = {
  pending: 'Awaiting approval',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  superseded: 'Replaced',
  revoked: 'Taken back',
};
const STATUS_TAG: Record<Claim['status'], string> = {
  pending: 'govuk-tag--yellow',
  approved: 'govuk-tag--green',
  rejected: 'govuk-tag--red',
  withdrawn: 'govuk-tag--grey',
  superseded: 'govuk-tag--grey',
  revoked: 'govuk-tag--red',
};

/** Where a person is in the claim questions: the site, the subjects still to answer, the question. */
interface Journey {
  siteId: string;
  subjectIds: string[];
  step: number;
}

function journeyFrom(source: FormBody): Journey {
  const step = Number(text(source, 'step'));
  return {
    siteId: text(source, 'site'),
    subjectIds: text(source, 'subjects').split(',').filter(Boolean).slice(0, 30),
    step: Number.isInteger(step) && step >= 0 && step < ROLES.length ? step : 0,
  };
}

function journeyQuery(journey: Journey, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    site: journey.siteId,
    subjects: journey.subjectIds.join(','),
    step: String(journey.step),
    ...extra,
  });
  return query.toString();
}

/** After a subject is answered: the next subject's first question, or back to the claim screen. */
function nextSubjectUrl(journey: Journey, done: Record<string, string>): string {
  const rest = journey.subjectIds.slice(1);
  if (rest.length === 0) return `${paths.claimRoles}?${new URLSearchParams(done).toString()}`;
  return `${paths.claimQuestion}?${journeyQuery({ siteId: journey.siteId, subjectIds: rest, step: 0 })}`;
}

/**
 * A page number as typed in the address or a form: anything but a whole number from 1 is page 1
 * (a number past the last page is kept; the page shown is then the last one).
 */
function pageNumber(value: string): number {
  return /^[0-9]+$/.test(value) && Number(value) >= 1 ? Number(value) : 1;
}

function approvalsUrl(page: number): string {
  return page > 1 ? `${paths.approvals}?page=${page}` : paths.approvals;
}

/**
 * The GOV.UK pagination component's links: Previous and Next, the first and last pages, the
 * current one and those either side of it, and an ellipsis for each run of pages left out.
 */
function paginationOf(page: number, pageCount: number) {
  const href = (n: number) => `${paths.approvals}?page=${n}`;
  const shown = [...new Set([1, page - 1, page, page + 1, pageCount])]
    .filter((n) => n >= 1 && n <= pageCount)
    .sort((a, b) => a - b);
  const items = shown.flatMap((n, i) => {
    const before = shown[i - 1];
    const item = { number: n, href: href(n), current: n === page };
    return before !== undefined && n - before > 1 ? [{ ellipsis: true }, item] : [item];
  });
  return {
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pageCount ? { href: href(page + 1) } : undefined,
    items,
  };
}

function takeFlash(request: FastifyRequest) {
  const flash = request.session.flash ?? [];
  if (flash.length > 0) request.session.flash = undefined;
  return flash;
}

export function registerRoleClaimPages(
  app: FastifyInstance,
  deps: { roleClaims: RoleClaimService },
): void {
  const { roleClaims } = deps;
  const actorOf = (request: FastifyRequest) => request.actor as Actor;

  async function context(request: FastifyRequest) {
    const actor = actorOf(request);
    const [sites, subjects] = await Promise.all([roleClaims.sites(actor), roleClaims.subjects()]);
    const siteById = new Map(sites.map((s) => [s.id, s]));
    const subjectById = new Map(subjects.map((s) => [s.id, s]));
    return { actor, sites, subjects, siteById, subjectById };
  }

  function presentClaimRow(
    claim: Claim,
    siteById: Map<string, Site>,
    subjectById: Map<string, Subject>,
  ) {
    const site = siteById.get(claim.siteId);
    return {
      id: claim.id,
      subject: subjectById.get(claim.subjectId)?.name ?? claim.subjectId,
      site: site ? `${site.number} ${site.name}` : '',
      role: roleName(claim.role),
      roleKey: claim.role,
      claimant: claim.claimant.name,
      status: claim.status,
      statusText: STATUS_TEXT[claim.status],
      statusTag: STATUS_TAG[claim.status],
      approvers: claim.approvers.map((p) => p.name).join(', '),
      decidedBy: claim.decidedBy?.name ?? '',
      decidedAt: claim.decidedAt,
      createdAt: claim.createdAt,
      reason: claim.reason ?? '',
    };
  }

  async function showClaimScreen(
    request: FastifyRequest,
    reply: FastifyReply,
    data: Record<string, unknown> = {},
    status = 200,
  ) {
    const { actor, sites, subjects, siteById, subjectById } = await context(request);
    const account = request.account as Account;
    const claims = await roleClaims.myClaims(actor);
    const homeFirst = [...sites].sort(
      (a, b) => Number(b.id === account.homeSiteId) - Number(a.id === account.homeSiteId),
    );
    const query = asForm(request.query);
    return render(
      request,
      reply,
      'role-claims/views/claim-roles.njk',
      {
        profile: { ...account, homeSite: siteById.get(account.homeSiteId) },
        sites: homeFirst.map((s) => ({
          value: s.id,
          text: `${s.number} ${s.name}`,
          qn: !mayClaimAt(actor, s.id),
        })),
        qnSites: sites.filter((s) => !mayClaimAt(actor, s.id)).map((s) => `${s.number} ${s.name}`),
        allQn: sites.every((s) => !mayClaimAt(actor, s.id)),
        subjects: subjects.map((s) => ({ value: s.id, text: s.name })),
        claims: claims.map((c) => presentClaimRow(c, siteById, subjectById)),
        claimed: text(query, 'claimed'),
        noneIn: text(query, 'none'),
        withdrawn: text(query, 'withdrawn') === '1',
        selectedSite: data.selectedSite ?? account.homeSiteId,
        ...data,
      },
      status,
    );
  }

  app.get(paths.claimRoles, async (request, reply) => showClaimScreen(request, reply));

  app.post(paths.claimStart, async (request, reply) => {
    const form = asForm(request.body);
    const { actor, siteById, subjectById } = await context(request);
    const siteId = text(form, 'site');
    const subjectIds = [...new Set(list(form, 'subjects'))].filter((id) => subjectById.has(id));
    const errors: Record<string, string> = {};
    const site = siteById.get(siteId);
    if (!site) errors.site = 'Select the site where you work in this team';
    else if (!mayClaimAt(actor, site.id)) errors.site = qnNeedNotClaimSentence(site.number);
    if (subjectIds.length === 0) errors.subjects = 'Select at least one subject area';
    if (Object.keys(errors).length > 0) {
      return showClaimScreen(
        request,
        reply,
        { errors, selectedSite: siteId, selectedSubjects: subjectIds },
        400,
      );
    }
    return reply.redirect(
      `${paths.claimQuestion}?${journeyQuery({ siteId, subjectIds, step: 0 })}`,
      303,
    );
  });

  async function showQuestion(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    errors?: Record<string, string>,
  ) {
    const { actor, siteById, subjectById } = await context(request);
    const site = siteById.get(journey.siteId);
    const subject = subjectById.get(journey.subjectIds[0] ?? '');
    if (!site || !subject || !mayClaimAt(actor, site.id))
      return reply.redirect(paths.claimRoles, 303);
    // Everything the in-page enhancement needs to ask the next question without a round trip.
    const questions = await Promise.all(
      ROLES.map(async (role) => {
        const route = await roleClaims.preview(actor, {
          siteId: site.id,
          subjectId: subject.id,
          role,
        });
        return {
          role,
          question: claimQuestion(role),
          sentence: approvalSentence(role, route.label),
          approvers: route.approvers.map((p) => p.name).join(', '),
        };
      }),
    );
    const role = ROLES[journey.step] as Role;
    return render(
      request,
      reply,
      'role-claims/views/question.njk',
      {
        site,
        subject,
        journey: {
          site: journey.siteId,
          subjects: journey.subjectIds.join(','),
          step: journey.step,
        },
        question: claimQuestion(role),
        role,
        remaining: journey.subjectIds.length - 1,
        questionsJson: JSON.stringify(questions),
        errors,
      },
      errors ? 400 : 200,
    );
  }

  app.get(paths.claimQuestion, async (request, reply) =>
    showQuestion(request, reply, journeyFrom(asForm(request.query))),
  );

  app.post(paths.claimQuestion, async (request, reply) => {
    const form = asForm(request.body);
    const journey = journeyFrom(form);
    const answer = text(form, 'answer');
    const role = ROLES[journey.step] as Role;
    if (answer !== 'yes' && answer !== 'no') {
      const { subjectById } = await context(request);
      const subject = subjectById.get(journey.subjectIds[0] ?? '')?.name ?? 'this subject';
      return showQuestion(request, reply, journey, {
        answer: `Select yes if you are ${withArticle(roleName(role))} for ${subject}, or no if you are not`,
      });
    }
    if (answer === 'yes')
      return reply.redirect(`${paths.claimConfirm}?${journeyQuery(journey, { role })}`, 303);
    if (journey.step + 1 < ROLES.length) {
      return reply.redirect(
        `${paths.claimQuestion}?${journeyQuery({ ...journey, step: journey.step + 1 })}`,
        303,
      );
    }
    return reply.redirect(nextSubjectUrl(journey, { none: journey.subjectIds[0] ?? '' }), 303);
  });

  async function showConfirm(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    role: Role,
    errors?: Record<string, string>,
    status = 200,
  ) {
    const { actor, siteById, subjectById } = await context(request);
    const site = siteById.get(journey.siteId);
    const subject = subjectById.get(journey.subjectIds[0] ?? '');
    if (!site || !subject) return reply.redirect(paths.claimRoles, 303);
    const route = await roleClaims.preview(actor, { siteId: site.id, subjectId: subject.id, role });
    return render(
      request,
      reply,
      'role-claims/views/confirm.njk',
      {
        site,
        subject,
        role,
        roleName: roleName(role),
        sentence: approvalSentence(role, route.label),
        approvers: route.approvers.map((p) => p.name),
        approverLabel: route.label,
        journey: {
          site: journey.siteId,
          subjects: journey.subjectIds.join(','),
          step: ROLES.indexOf(role),
        },
        restartQuery: journeyQuery({ ...journey, step: 0 }),
        errors,
      },
      status,
    );
  }

  app.get(paths.claimConfirm, async (request, reply) => {
    const query = asForm(request.query);
    const role = text(query, 'role');
    if (!isRole(role)) return reply.redirect(paths.claimRoles, 303);
    const journey = journeyFrom(query);
    // A Quality Nominee is not asked to claim at their own site(s): the same rule as the question
    // pages and the POST, so the page never offers a claim that would be refused.
    if (!mayClaimAt(actorOf(request), journey.siteId)) return reply.redirect(paths.claimRoles, 303);
    return showConfirm(request, reply, journey, role);
  });

  app.post(paths.claimConfirm, async (request, reply) => {
    const form = asForm(request.body);
    const journey = journeyFrom(form);
    const role = text(form, 'role');
    if (!isRole(role)) return reply.redirect(paths.claimRoles, 303);
    const subjectId = journey.subjectIds[0] ?? '';
    try {
      await roleClaims.makeClaim(
        actorOf(request),
        { siteId: journey.siteId, subjectId, role },
        request.ip,
      );
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      // This page has no site, subject or role field to point at: the summary links to the
      // way out, changing the answers.
      const problem = Object.values(error.fields).join(' ');
      return showConfirm(request, reply, journey, role, { 'change-answers': problem }, 400);
    }
    return reply.redirect(nextSubjectUrl(journey, { claimed: subjectId }), 303);
  });

  app.post(paths.claimWithdraw, async (request, reply) => {
    const claimId = text(asForm(request.body), 'claimId');
    try {
      await roleClaims.withdraw(actorOf(request), claimId, request.ip);
    } catch (error) {
      // Decided (or replaced) since the screen was shown: show the screen again, as it is now.
      if (!(error instanceof Conflict)) throw error;
      return showClaimScreen(request, reply, { withdrawProblem: error.message }, 409);
    }
    return reply.redirect(`${paths.claimRoles}?withdrawn=1`, 303);
  });

  async function showApprovals(
    request: FastifyRequest,
    reply: FastifyReply,
    requestedPage: number,
    errors?: Record<string, string>,
  ) {
    const { actor, sites, siteById, subjectById } = await context(request);
    const [pending, decided] = await Promise.all([
      roleClaims.pendingPageForDecision(actor, requestedPage),
      roleClaims.recentlyDecided(actor),
    ]);
    const isQn = actor.qnSiteIds.size > 0;
    const isLiv = [...actor.approved.values()].includes('lead_internal_verifier');
    const columns = ROLES.filter((r) => isQn || r !== 'lead_internal_verifier').map((r) => ({
      role: r,
      short: roleShortName(r),
      name: roleName(r),
    }));
    const row = (c: Claim) => ({
      ...presentClaimRow(c, siteById, subjectById),
      permissions: permissionsSentence(c.role),
    });
    const flash = takeFlash(request);
    return render(
      request,
      reply,
      'role-claims/views/approvals.njk',
      {
        pendingRows: pending.claims.map(row),
        pending: {
          page: pending.page,
          total: pending.total,
          // Counted from 1, as the sentence above the table says it.
          from: pending.first + 1,
          to: pending.end,
          pagination:
            pending.pageCount > 1 ? paginationOf(pending.page, pending.pageCount) : undefined,
        },
        decidedRows: decided.map((d) => ({ ...row(d.claim), mayRevoke: d.mayRevoke })),
        columns,
        isQn,
        isLiv,
        showSite: sites.length > 1,
        flash,
        flashProblem: flash.some((f) => f.kind === 'problem'),
        errors,
      },
      errors ? 400 : 200,
    );
  }

  app.get(paths.approvals, async (request, reply) =>
    showApprovals(request, reply, pageNumber(text(asForm(request.query), 'page'))),
  );

  app.post(paths.approvals, async (request, reply) => {
    const form = asForm(request.body);
    const page = pageNumber(text(form, 'page'));
    const decisions = Object.keys(form)
      .filter((key) => key.startsWith('decision-'))
      .flatMap((key) => {
        const answer = text(form, key);
        const claimId = key.slice('decision-'.length);
        if (answer !== 'yes' && answer !== 'no') return [];
        return [{ claimId, approve: answer === 'yes', reason: text(form, `reason-${claimId}`) }];
      });
    if (decisions.length === 0) {
      return showApprovals(request, reply, page, {
        decisions: 'Select yes or no for at least one claim, then click Confirm',
      });
    }
    const { actor, siteById, subjectById } = await context(request);
    const results = await roleClaims.decideMany(actor, decisions, request.ip);
    const flash = await Promise.all(
      results.map(async (result) => {
        // An unknown id and a claim of another centre read the same (SPEC §10: never reveal which).
        const claim =
          'error' in result && result.error.code === 'not_found'
            ? undefined
            : await roleClaims.claimInCentre(actor, result.claimId);
        const what = claim
          ? `${claim.claimant.name}, ${roleName(claim.role)} in ${subjectById.get(claim.subjectId)?.name ?? ''}${siteById.size > 1 ? ` (site ${siteById.get(claim.siteId)?.number ?? ''})` : ''}`
          : 'Unknown claim';
        return 'error' in result
          ? { kind: 'problem' as const, text: `Not decided: ${what}. ${result.error.message}` }
          : {
              kind: 'success' as const,
              text: `${result.status === 'approved' ? 'Approved' : 'Rejected'}: ${what}`,
            };
      }),
    );
    request.session.flash = flash;
    // Back to the same page, or the last one left now that the decided rows have gone from it.
    return reply.redirect(
      approvalsUrl(await roleClaims.pendingPageAfterDecisions(actor, page)),
      303,
    );
  });

  app.post(paths.approvalsRevoke, async (request, reply) => {
    const form = asForm(request.body);
    const claimId = text(form, 'revokeClaimId');
    const page = pageNumber(text(form, 'page'));
    try {
      const claim = await roleClaims.revoke(
        actorOf(request),
        claimId,
        text(form, `reason-${claimId}`),
        request.ip,
      );
      request.session.flash = [
        { kind: 'success', text: `Taken back: ${claim.claimant.name}, ${roleName(claim.role)}` },
      ];
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      request.session.flash = [{ kind: 'problem', text: `Not taken back. ${error.message}` }];
    }
    // Taking a role back leaves the pending list as it was: the page the person was on.
    return reply.redirect(approvalsUrl(page), 303);
  });
}
