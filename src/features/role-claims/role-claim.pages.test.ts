import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import { newId } from '../../lib/ids.js';
import { insertSite } from '../organisation/organisation.repository.js';
import {
  buildAccount,
  buildCentre,
  buildClaim,
  buildPendingClaims,
  makeQualityNominee,
  type BuiltAccount,
  type BuiltCentre,
} from '../../../test/support/factories.js';
import { Agent, createTestApp, signedIn, type TestApp } from '../../../test/support/test-app.js';

/** The pending claims on an approval page, by id, in the order of their rows. */
const rowIds = (html: string) =>
  [...html.matchAll(/id="decision-([^"]+)-yes"/g)].map((m) => m[1] as string);
/** "Showing 51 to 55 of 55 role claims awaiting your approval", as [51, 55, 55]. */
const showing = (html: string) =>
  /Showing (\d+) to (\d+) of (\d+) role claims awaiting your approval/
    .exec(html)
    ?.slice(1)
    .map(Number);
const paginationOf = (html: string) =>
  /<nav class="govuk-pagination" aria-label="Pagination">[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
/** The page numbers the pagination offers, an ellipsis as "…", the current page in brackets. */
const pageItems = (html: string) =>
  [
    ...paginationOf(html).matchAll(
      /<li class="govuk-pagination__item([^"]*)">\s*(?:<a [^>]*href="\/user-role-approval\?page=(\d+)"[^>]*>\s*(\d+)\s*<\/a>|(&ctdot;))/g,
    ),
  ].map(([, classes, href, number, ellipsis]) => {
    if (ellipsis) return '…';
    expect(href).toBe(number);
    return classes?.includes('--current') ? `[${number}]` : number;
  });
const relLink = (html: string, rel: 'prev' | 'next') =>
  new RegExp(`href="([^"]+)" rel="${rel}"`).exec(paginationOf(html))?.[1];

forEachDatabase('Claim roles and User role approval pages', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let other: BuiltCentre;
  let qn: BuiltAccount;
  let liv: BuiltAccount;
  let teacher: BuiltAccount;
  let stranger: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db);
    other = await buildCentre(t.db);
    qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    stranger = await buildAccount(t.db, other, { first: 'Sam', last: 'Stranger' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });
  });
  afterEach(() => t.close());

  const site = () => centre.siteIds[0] as string;
  const claimsOf = (person: BuiltAccount) =>
    t.db.selectFrom('claims').selectAll().where('claimant_id', '=', person.id).execute();
  const journey = (subjects: string, step: number) => ({
    site: site(),
    subjects,
    step: String(step),
  });

  it('sends signed-out visitors to the login page', async () => {
    const agent = new Agent(t.app);
    for (const url of [
      paths.claimRoles,
      paths.approvals,
      `${paths.claimQuestion}?site=x&subjects=business&step=0`,
    ]) {
      const response = await agent.get(url);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(paths.login);
    }
  });

  it('asks one question per page without JavaScript, and submits the first Yes as the claim', async () => {
    const agent = await signedIn(t.app, teacher.username);
    const screen = await agent.get(paths.claimRoles);
    expect(screen.body).toContain(
      'Welcome to myBTEC. To get started you need to set up your user profile.',
    );

    const start = await agent.form(paths.claimStart, { site: site(), subjects: ['business'] });
    expect(start.statusCode).toBe(303);
    const first = await agent.get(start.headers.location as string);
    expect(first.body).toContain('Are you a Lead Internal Verifier for this subject?');
    expect(first.body).toContain('Subject area: Business');

    const no1 = await agent.form(paths.claimQuestion, { ...journey('business', 0), answer: 'no' });
    const second = await agent.get(no1.headers.location as string);
    expect(second.body).toContain('Are you a Course Leader for this subject?');
    const no2 = await agent.form(paths.claimQuestion, { ...journey('business', 1), answer: 'no' });
    expect((await agent.get(no2.headers.location as string)).body).toContain(
      'Are you an Internal Verifier for this subject?',
    );

    const yes = await agent.form(paths.claimQuestion, { ...journey('business', 2), answer: 'yes' });
    expect(yes.headers.location).toContain(paths.claimConfirm);
    const confirm = await agent.get(yes.headers.location as string);
    expect(confirm.body).toContain(
      'If approved as an Internal Verifier by your Lead Internal Verifier you will have the following permissions within this subject: IV, Assessor, Teacher.',
    );
    expect(confirm.body).toContain('Liv Lead');

    const submitted = await agent.form(paths.claimConfirm, {
      ...journey('business', 2),
      role: 'internal_verifier',
    });
    expect(submitted.statusCode).toBe(303);
    expect(submitted.headers.location).toBe(`${paths.claimRoles}?claimed=business`);
    const claims = await claimsOf(teacher);
    expect(claims).toMatchObject([
      { role: 'internal_verifier', status: 'pending', subject_id: 'business' },
    ]);
    expect(
      await t.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'claim.created')
        .execute(),
    ).toHaveLength(1);
    expect(
      await t.db.selectFrom('outbox').selectAll().where('to_address', '=', liv.username).execute(),
    ).toHaveLength(1);
    const after = await agent.get(`${paths.claimRoles}?claimed=business`);
    expect(after.body).toContain('Awaiting approval');
    expect(after.body).toContain('Your role claim has been sent for approval');
  });

  it('goes on to the next subject after a claim, and says when no role was claimed', async () => {
    const agent = await signedIn(t.app, teacher.username);
    const submitted = await agent.form(paths.claimConfirm, {
      ...journey('business,sport', 4),
      role: 'teacher',
    });
    expect(submitted.headers.location).toBe(
      `${paths.claimQuestion}?site=${site()}&subjects=sport&step=0`,
    );
    const lastNo = await agent.form(paths.claimQuestion, { ...journey('sport', 4), answer: 'no' });
    expect(lastNo.headers.location).toBe(`${paths.claimRoles}?none=sport`);
    expect((await agent.get(lastNo.headers.location as string)).body).toContain(
      'You did not claim a role in one subject area',
    );
  });

  it('answers 400 with the error summary for a missing site, subject or answer', async () => {
    const agent = await signedIn(t.app, teacher.username);
    const start = await agent.form(paths.claimStart, { site: site() });
    expect(start.statusCode).toBe(400);
    expect(start.body).toContain('There is a problem');
    expect(start.body).toContain('href="#subjects"');
    expect(start.body).toContain('Select at least one subject area');
    const question = await agent.form(paths.claimQuestion, journey('business', 0));
    expect(question.statusCode).toBe(400);
    expect(question.body).toContain(
      'Select yes if you are a Lead Internal Verifier for Business, or no if you are not',
    );
  });

  it('tells a Quality Nominee they already hold every role at their site', async () => {
    const agent = await signedIn(t.app, qn.username);
    const screen = await agent.get(paths.claimRoles);
    expect(screen.body).toContain('You do not need to claim any roles there');
    const start = await agent.form(paths.claimStart, { site: site(), subjects: ['business'] });
    expect(start.statusCode).toBe(400);
    expect(start.body).toContain('you already have every role there');
  });

  it('refuses a claim form posted without its CSRF token', async () => {
    const agent = await signedIn(t.app, teacher.username);
    const response = await agent.form(
      paths.claimConfirm,
      { ...journey('business', 4), role: 'teacher' },
      { csrf: false },
    );
    expect(response.statusCode).toBe(403);
    expect(await claimsOf(teacher)).toHaveLength(0);
  });

  it('withdraws a pending claim from the Claim roles screen', async () => {
    const claimId = await buildClaim(t.db, {
      account: teacher,
      subjectId: 'business',
      role: 'teacher',
      status: 'pending',
    });
    const agent = await signedIn(t.app, teacher.username);
    const response = await agent.form(paths.claimWithdraw, { claimId });
    expect(response.headers.location).toBe(`${paths.claimRoles}?withdrawn=1`);
    expect((await claimsOf(teacher))[0]?.status).toBe('withdrawn');
  });

  it('shows the Claim roles screen again, saying why, when the claim to withdraw is no longer pending', async () => {
    const claimId = await buildClaim(t.db, {
      account: teacher,
      subjectId: 'business',
      role: 'teacher',
    });
    const agent = await signedIn(t.app, teacher.username);
    const response = await agent.form(paths.claimWithdraw, { claimId });
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('<h1 class="govuk-heading-l">Claim roles</h1>');
    expect(response.body).toContain(
      'Your claim was not withdrawn. This claim is approved, so it can no longer be withdrawn.',
    );
    expect((await claimsOf(teacher))[0]?.status).toBe('approved');
  });

  it('links the error summary of a refused claim to a link on the page, and says it once', async () => {
    const agent = await signedIn(t.app, liv.username);
    const response = await agent.form(paths.claimConfirm, {
      ...journey('business', 0),
      role: 'lead_internal_verifier',
    });
    expect(response.statusCode).toBe(400);
    const message = 'You are already approved as a Lead Internal Verifier in Business at site';
    expect(response.body.split(message)).toHaveLength(2);
    const hrefs = [...response.body.matchAll(/govuk-error-summary__list[\s\S]*?href="#([^"]+)"/g)];
    expect(hrefs.map((m) => m[1])).toEqual(['change-answers']);
    expect(response.body).toContain('id="change-answers"');
  });

  it('decides every answered row with one Confirm and shows the result of each', async () => {
    const a = await buildClaim(t.db, {
      account: teacher,
      subjectId: 'business',
      role: 'assessor',
      status: 'pending',
    });
    const colleague = await buildAccount(t.db, centre, { first: 'Colin', last: 'League' });
    const b = await buildClaim(t.db, {
      account: colleague,
      subjectId: 'business',
      role: 'teacher',
      status: 'pending',
    });
    const untouched = await buildClaim(t.db, {
      account: colleague,
      subjectId: 'business',
      role: 'teacher',
      status: 'pending',
      siteId: site(),
    }).catch(() => null);
    expect(untouched).toBeNull(); // one pending claim per person per team: the database refuses a second

    const agent = await signedIn(t.app, liv.username);
    const page = await agent.get(paths.approvals);
    expect(page.body).toContain('As Lead Internal Verifier you need to approve these');
    expect(page.body).toContain('Tess Teacher');
    expect(page.body).not.toContain('<abbr title="Lead Internal Verifier">LIV</abbr>');

    const response = await agent.form(paths.approvals, {
      [`decision-${a}`]: 'yes',
      [`reason-${a}`]: 'Agreed',
      [`decision-${b}`]: 'no',
    });
    expect(response.statusCode).toBe(303);
    const after = await agent.get(paths.approvals);
    expect(after.body).toContain('Approved: Tess Teacher, Assessor in Business');
    expect(after.body).toContain('Rejected: Colin League, Teacher in Business');
    expect(after.body).toContain('Decided role claims');
    const rows = await t.db
      .selectFrom('claims')
      .select(['id', 'status', 'reason'])
      .where('id', 'in', [a, b])
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [a]: 'approved',
      [b]: 'rejected',
    });
    expect(
      await t.db
        .selectFrom('outbox')
        .selectAll()
        .where('to_address', 'in', [teacher.username, colleague.username])
        .execute(),
    ).toHaveLength(2);
    // The banner is shown once.
    expect((await agent.get(paths.approvals)).body).not.toContain('Approved: Tess Teacher');
  });

  it('refuses the LIV deciding their own claim to step down, on the page too', async () => {
    const own = await buildClaim(t.db, {
      account: liv,
      subjectId: 'business',
      role: 'teacher',
      status: 'pending',
    });
    const agent = await signedIn(t.app, liv.username);
    expect((await agent.get(paths.approvals)).body).not.toContain(`decision-${own}`);
    await agent.form(paths.approvals, { [`decision-${own}`]: 'yes' });
    expect((await agent.get(paths.approvals)).body).toContain(
      'Not decided: Liv Lead, Teacher in Business. You cannot decide your own claim',
    );
    const row = await t.db
      .selectFrom('claims')
      .select('status')
      .where('id', '=', own)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });

  it('shows the LIV column to the Quality Nominee', async () => {
    await buildClaim(t.db, {
      account: teacher,
      subjectId: 'sport',
      role: 'lead_internal_verifier',
      status: 'pending',
    });
    const page = await (await signedIn(t.app, qn.username)).get(paths.approvals);
    expect(page.body).toContain('As Quality Nominee you need to approve these');
    expect(page.body).toContain('<abbr title="Lead Internal Verifier">LIV</abbr>');
  });

  it('answers 400 when Confirm is pressed with no row answered, and refuses a missing CSRF token', async () => {
    await buildClaim(t.db, {
      account: teacher,
      subjectId: 'business',
      role: 'assessor',
      status: 'pending',
    });
    const agent = await signedIn(t.app, liv.username);
    const empty = await agent.form(paths.approvals, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Select yes or no for at least one claim');
    const noCsrf = await agent.form(paths.approvals, { 'decision-x': 'yes' }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('reports a claim of another centre exactly like an unknown one, without its name, and changes nothing there', async () => {
    const foreign = await buildClaim(t.db, {
      account: stranger,
      subjectId: 'business',
      role: 'teacher',
      status: 'pending',
    });
    const agent = await signedIn(t.app, qn.username);
    const banner = (html: string) =>
      /<div class="govuk-notification-banner__content">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    await agent.form(paths.approvals, { [`decision-${foreign}`]: 'yes' });
    const page = await agent.get(paths.approvals);
    expect(banner(page.body)).toContain('Not decided: Unknown claim.');
    expect(page.body).not.toContain('Sam Stranger');
    await agent.form(paths.approvals, { 'decision-no-such-claim': 'yes' });
    const unknown = await agent.get(paths.approvals);
    expect(banner(unknown.body)).not.toBe('');
    expect(banner(page.body)).toBe(banner(unknown.body));
    const row = await t.db
      .selectFrom('claims')
      .select('status')
      .where('id', '=', foreign)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });

  it('takes back an approved role from the decided table', async () => {
    const approved = await buildClaim(t.db, {
      account: teacher,
      subjectId: 'business',
      role: 'assessor',
    });
    await buildClaim(t.db, {
      account: stranger,
      subjectId: 'business',
      role: 'teacher',
      status: 'rejected',
    });
    const colleague = await buildAccount(t.db, centre, { first: 'Colin', last: 'League' });
    await buildClaim(t.db, { account: colleague, subjectId: 'sport', role: 'teacher' });
    const agent = await signedIn(t.app, liv.username);
    const before = (await agent.get(paths.approvals)).body;
    // One button, on the approved row of the LIV's own team; none on another centre's or subject's.
    expect(before.match(/Take back role/g)).toHaveLength(1);
    expect(before).toContain(`name="revokeClaimId" value="${approved}"`);
    await agent.form(paths.approvalsRevoke, {
      revokeClaimId: approved,
      [`reason-${approved}`]: 'Moved to Sport',
    });
    expect((await agent.get(paths.approvals)).body).toContain('Taken back: Tess Teacher, Assessor');
    const row = await t.db
      .selectFrom('claims')
      .select(['status', 'reason'])
      .where('id', '=', approved)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'revoked', reason: 'Moved to Sport' });
  });

  it('tells someone who approves nothing that they have no claims to approve', async () => {
    const page = await (await signedIn(t.app, teacher.username)).get(paths.approvals);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You have no role claims to approve');
  });

  describe('paging the claims awaiting approval', () => {
    const PAGE = 50;
    let newestFirst: string[];
    let refused: Record<string, string>;

    // 55 claims the LIV may decide (Business at their site), and one of each kind they may not.
    beforeEach(async () => {
      const built = await buildPendingClaims(t.db, centre, {
        count: 55,
        subjectId: 'business',
        role: 'teacher',
      });
      newestFirst = built.map((c) => c.id).reverse();
      const northSite = newId();
      await insertSite(t.db, { id: northSite, centreId: centre.id, number: 'N-1', name: 'North' });
      const colleague = await buildAccount(t.db, centre, { first: 'Colin', last: 'League' });
      refused = {
        own: await buildClaim(t.db, {
          account: liv,
          subjectId: 'business',
          role: 'teacher',
          status: 'pending',
        }),
        otherSubject: await buildClaim(t.db, {
          account: teacher,
          subjectId: 'sport',
          role: 'teacher',
          status: 'pending',
        }),
        otherSite: await buildClaim(t.db, {
          account: teacher,
          siteId: northSite,
          subjectId: 'business',
          role: 'teacher',
          status: 'pending',
        }),
        livRole: await buildClaim(t.db, {
          account: colleague,
          subjectId: 'business',
          role: 'lead_internal_verifier',
          status: 'pending',
        }),
        otherCentre: await buildClaim(t.db, {
          account: stranger,
          subjectId: 'business',
          role: 'teacher',
          status: 'pending',
        }),
      };
    });

    const statusOf = async (ids: string[]) =>
      Object.fromEntries(
        (
          await t.db.selectFrom('claims').select(['id', 'status']).where('id', 'in', ids).execute()
        ).map((r) => [r.id, r.status]),
      );

    it('shows 50 claims a page, newest first, says which, and links to the other pages', async () => {
      const agent = await signedIn(t.app, liv.username);
      const first = await agent.get(paths.approvals);
      expect(first.statusCode).toBe(200);
      expect(rowIds(first.body)).toEqual(newestFirst.slice(0, PAGE));
      expect(showing(first.body)).toEqual([1, 50, 55]);
      expect(pageItems(first.body)).toEqual(['[1]', '2']);
      expect(relLink(first.body, 'next')).toBe(`${paths.approvals}?page=2`);
      expect(relLink(first.body, 'prev')).toBeUndefined();
      expect(paginationOf(first.body)).toContain(
        'Next<span class="govuk-visually-hidden"> page</span>',
      );
      expect(first.body).toContain('<input type="hidden" name="page" value="1">');

      const second = await agent.get(`${paths.approvals}?page=2`);
      expect(second.statusCode).toBe(200);
      expect(rowIds(second.body)).toEqual(newestFirst.slice(PAGE));
      expect(showing(second.body)).toEqual([51, 55, 55]);
      expect(pageItems(second.body)).toEqual(['1', '[2]']);
      expect(relLink(second.body, 'prev')).toBe(`${paths.approvals}?page=1`);
      expect(relLink(second.body, 'next')).toBeUndefined();
      expect(second.body).toContain('aria-current="page"');
      expect(second.body).toContain('<input type="hidden" name="page" value="2">');

      // The claims the LIV may not decide are on neither page, nor counted.
      for (const id of Object.values(refused)) {
        expect(first.body).not.toContain(id);
        expect(second.body).not.toContain(id);
      }
      // The API lists the same claims in the same order, all at once.
      const api = (await agent.get(paths.api.approvals)).json() as { claims: { id: string }[] };
      expect(api.claims.map((c) => c.id)).toEqual([...rowIds(first.body), ...rowIds(second.body)]);
    });

    it('pages what the Quality Nominee may decide: every subject and the LIV claims of their site, not another site', async () => {
      const agent = await signedIn(t.app, qn.username);
      const first = await agent.get(paths.approvals);
      const second = await agent.get(`${paths.approvals}?page=2`);
      expect(showing(first.body)).toEqual([1, 50, 58]);
      expect(showing(second.body)).toEqual([51, 58, 58]);
      const seen = [...rowIds(first.body), ...rowIds(second.body)];
      expect(new Set(seen)).toEqual(
        new Set([...newestFirst, refused.own, refused.otherSubject, refused.livRole]),
      );
      expect(seen).toHaveLength(58);
      const api = (await agent.get(paths.api.approvals)).json() as { claims: { id: string }[] };
      expect(api.claims.map((c) => c.id)).toEqual(seen);
    });

    it.each([['0'], ['-1'], ['abc'], ['1.5'], ['']])(
      'shows the first page for page=%s',
      async (page) => {
        const agent = await signedIn(t.app, liv.username);
        const response = await agent.get(`${paths.approvals}?page=${page}`);
        expect(response.statusCode).toBe(200);
        expect(rowIds(response.body)).toEqual(newestFirst.slice(0, PAGE));
        expect(showing(response.body)).toEqual([1, 50, 55]);
      },
    );

    it.each([['3'], ['999'], ['99999999999999999999']])(
      'shows the last page for page=%s, past the end',
      async (page) => {
        const agent = await signedIn(t.app, liv.username);
        const response = await agent.get(`${paths.approvals}?page=${page}`);
        expect(response.statusCode).toBe(200);
        expect(rowIds(response.body)).toEqual(newestFirst.slice(PAGE));
        expect(pageItems(response.body)).toEqual(['1', '[2]']);
        expect(response.body).toContain('<input type="hidden" name="page" value="2">');
      },
    );

    it('decides only the rows of the page confirmed on, and returns to that page or the last one left', async () => {
      const agent = await signedIn(t.app, liv.username);
      const onPage = rowIds((await agent.get(`${paths.approvals}?page=2`)).body);
      expect(onPage).toHaveLength(5);
      const [a = '', b = '', ...rest] = onPage;

      const some = await agent.form(paths.approvals, {
        page: '2',
        [`decision-${a}`]: 'yes',
        [`decision-${b}`]: 'no',
      });
      expect(some.statusCode).toBe(303);
      expect(some.headers.location).toBe(`${paths.approvals}?page=2`);
      const statuses = await statusOf(newestFirst);
      expect(statuses[a]).toBe('approved');
      expect(statuses[b]).toBe('rejected');
      expect(Object.values(statuses).filter((s) => s === 'pending')).toHaveLength(53);
      const back = await agent.get(some.headers.location as string);
      expect(rowIds(back.body)).toEqual(rest);
      expect(showing(back.body)).toEqual([51, 53, 53]);

      // Deciding the rest of page 2 leaves 50: one page, so back to it.
      const all = await agent.form(paths.approvals, {
        page: '2',
        ...Object.fromEntries(rest.map((id) => [`decision-${id}`, 'yes'])),
      });
      expect(all.headers.location).toBe(paths.approvals);
      const last = await agent.get(paths.approvals);
      expect(rowIds(last.body)).toEqual(newestFirst.slice(0, PAGE));
      expect(showing(last.body)).toBeUndefined();
      expect(last.body).not.toContain('govuk-pagination');
      expect(Object.values(await statusOf(newestFirst.slice(0, PAGE)))).toEqual(
        Array<string>(PAGE).fill('pending'),
      );
    });

    it('shows the same page again, with the error, when Confirm is pressed with no row answered', async () => {
      const agent = await signedIn(t.app, liv.username);
      const response = await agent.form(paths.approvals, { page: '2' });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain(
        'Select yes or no for at least one claim, then click Confirm',
      );
      expect(rowIds(response.body)).toEqual(newestFirst.slice(PAGE));
      expect(showing(response.body)).toEqual([51, 55, 55]);
      expect(response.body).toContain('<input type="hidden" name="page" value="2">');
    });

    it('returns to the page it was on after taking back a role', async () => {
      const approved = await buildClaim(t.db, {
        account: await buildAccount(t.db, centre),
        subjectId: 'business',
        role: 'assessor',
      });
      const agent = await signedIn(t.app, liv.username);
      const second = await agent.get(`${paths.approvals}?page=2`);
      expect(second.body).toContain(`name="revokeClaimId" value="${approved}"`);
      const response = await agent.form(paths.approvalsRevoke, {
        revokeClaimId: approved,
        page: '2',
      });
      expect(response.headers.location).toBe(`${paths.approvals}?page=2`);
      expect((await statusOf([approved]))[approved]).toBe('revoked');
    });

    it('offers the first, last, current and neighbouring pages, with an ellipsis for the others', async () => {
      await buildPendingClaims(t.db, centre, {
        count: 205,
        subjectId: 'business',
        role: 'assessor',
      });
      const agent = await signedIn(t.app, liv.username); // 260 claims: 6 pages
      const items = async (page: number) =>
        pageItems((await agent.get(`${paths.approvals}?page=${page}`)).body);
      expect(await items(1)).toEqual(['[1]', '2', '…', '6']);
      expect(await items(3)).toEqual(['1', '2', '[3]', '4', '…', '6']);
      expect(await items(4)).toEqual(['1', '…', '3', '[4]', '5', '6']);
      expect(await items(6)).toEqual(['1', '…', '5', '[6]']);
    });
  });

  it('adds no count and no pagination when every claim awaiting approval fits on one page', async () => {
    const built = await buildPendingClaims(t.db, centre, {
      count: 50,
      subjectId: 'business',
      role: 'teacher',
    });
    const page = await (await signedIn(t.app, liv.username)).get(paths.approvals);
    expect(rowIds(page.body)).toEqual(built.map((c) => c.id).reverse());
    expect(showing(page.body)).toBeUndefined();
    expect(page.body).not.toContain('Showing');
    expect(page.body).not.toContain('govuk-pagination');
  });
});
