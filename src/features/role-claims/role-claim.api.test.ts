import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { createRoleClaimService } from './role-claim.service.js';
import { forEachDatabase } from '../../../test/support/databases.js';
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

interface ClaimJson {
  id: string;
  status: string;
  role: string;
  siteId: string;
  subjectId: string;
  claimant: { id: string; name: string };
  approvers: { id: string; name: string }[];
  permissions: string[];
  createdAt: string;
  decidedAt?: string;
  decidedBy?: { id: string; name: string };
  reason?: string;
}
interface ErrorJson {
  error: { code: string; message: string; fields?: Record<string, string> };
}

const BUSINESS = 'business';
const SPORT = 'sport';

forEachDatabase('role claims API', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let other: BuiltCentre;
  let qn: BuiltAccount; // QN of site 0
  let northQn: BuiltAccount; // QN of site 1
  let liv: BuiltAccount; // approved LIV for Business at site 0
  let teacher: BuiltAccount;
  let colleague: BuiltAccount;
  let stranger: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db, { sites: 2 });
    other = await buildCentre(t.db);
    qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    northQn = await buildAccount(t.db, centre, { first: 'Norah', last: 'North', siteIndex: 1 });
    liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    colleague = await buildAccount(t.db, centre, { first: 'Colin', last: 'League' });
    stranger = await buildAccount(t.db, other, { first: 'Sam', last: 'Stranger' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await makeQualityNominee(t.db, northQn, centre.siteIds[1]);
    await buildClaim(t.db, { account: liv, subjectId: BUSINESS, role: 'lead_internal_verifier' });
  });
  afterEach(() => t.close());

  const as = (person: BuiltAccount) => signedIn(t.app, person.username);
  const claim = async (agent: Agent, body: Record<string, unknown>) =>
    agent.api('POST', paths.api.claims, body);
  const site0 = () => centre.siteIds[0] as string;
  const site1 = () => centre.siteIds[1] as string;
  const auditOf = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const mailTo = (person: BuiltAccount) =>
    t.db.selectFrom('outbox').selectAll().where('to_address', '=', person.username).execute();
  const decideAs = (
    agent: Agent,
    decisions: { claimId: string; approve: boolean; reason?: string }[],
  ) => agent.api('POST', paths.api.approvals, { decisions });

  describe('making a claim', () => {
    it('routes a member claim to the approved LIV of the subject, emails them, and audits it', async () => {
      const agent = await as(teacher);
      const response = await claim(agent, {
        siteId: site0(),
        subjectId: BUSINESS,
        role: 'assessor',
      });
      expect(response.statusCode).toBe(201);
      const body = (response.json() as { claim: ClaimJson }).claim;
      expect(body).toMatchObject({
        status: 'pending',
        role: 'assessor',
        siteId: site0(),
        subjectId: BUSINESS,
        claimant: { id: teacher.id, name: 'Tess Teacher' },
        approvers: [{ id: liv.id, name: 'Liv Lead' }],
        permissions: ['assessor', 'teacher'],
      });
      const audit = await auditOf('claim.created');
      expect(audit).toHaveLength(1);
      expect(audit[0]?.target_id).toBe(body.id);
      const mail = await mailTo(liv);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe('Role claim to review: Tess Teacher, Assessor in Business');
      expect(mail[0]?.body_text).toContain('http://localhost:3000/user-role-approval');
      expect(await mailTo(qn)).toHaveLength(0);
    });

    it('routes a member claim to the QN when the subject has no approved LIV', async () => {
      const response = await claim(await as(teacher), {
        siteId: site0(),
        subjectId: SPORT,
        role: 'teacher',
      });
      expect((response.json() as { claim: ClaimJson }).claim.approvers).toEqual([
        { id: qn.id, name: 'Quinn Nominee' },
      ]);
      expect(await mailTo(qn)).toHaveLength(1);
    });

    it("routes an LIV claim to the site's own QN, never to the other site's QN", async () => {
      const response = await claim(await as(teacher), {
        siteId: site0(),
        subjectId: BUSINESS,
        role: 'lead_internal_verifier',
      });
      expect((response.json() as { claim: ClaimJson }).claim.approvers).toEqual([
        { id: qn.id, name: 'Quinn Nominee' },
      ]);
      expect(await mailTo(liv)).toHaveLength(0);
      expect(await mailTo(northQn)).toHaveLength(0);
    });

    it("routes to the centre's QN where the site has none", async () => {
      await t.db
        .updateTable('sites')
        .set({ quality_nominee_id: null })
        .where('id', '=', site1())
        .execute();
      const centreQn = await buildAccount(t.db, centre, { first: 'Cen', last: 'Tral' });
      await makeQualityNominee(t.db, centreQn);
      const response = await claim(await as(teacher), {
        siteId: site1(),
        subjectId: BUSINESS,
        role: 'lead_internal_verifier',
      });
      expect((response.json() as { claim: ClaimJson }).claim.approvers).toEqual([
        { id: centreQn.id, name: 'Cen Tral' },
      ]);
    });

    it('supersedes my earlier pending claim in the same site and subject', async () => {
      const agent = await as(teacher);
      const first = (
        await claim(agent, { siteId: site0(), subjectId: BUSINESS, role: 'assessor' })
      ).json() as { claim: ClaimJson };
      const second = await claim(agent, {
        siteId: site0(),
        subjectId: BUSINESS,
        role: 'internal_verifier',
      });
      expect(second.statusCode).toBe(201);
      const mine = (await agent.get(paths.api.claims)).json() as { claims: ClaimJson[] };
      expect(mine.claims.find((c) => c.id === first.claim.id)?.status).toBe('superseded');
      expect(mine.claims.filter((c) => c.status === 'pending')).toHaveLength(1);
      expect(await auditOf('claim.superseded')).toHaveLength(1);
    });

    it('tells a QN they need not claim at their own site', async () => {
      const response = await claim(await as(qn), {
        siteId: site0(),
        subjectId: BUSINESS,
        role: 'teacher',
      });
      expect(response.statusCode).toBe(400);
      expect((response.json() as ErrorJson).error.fields?.siteId).toContain(
        'you already have every role',
      );
    });

    it('lets a QN claim at another site of the centre', async () => {
      const response = await claim(await as(qn), {
        siteId: site1(),
        subjectId: BUSINESS,
        role: 'teacher',
      });
      expect(response.statusCode).toBe(201);
      expect((response.json() as { claim: ClaimJson }).claim.approvers).toEqual([
        { id: northQn.id, name: 'Norah North' },
      ]);
    });

    it('answers not_found for a site of another centre and invalid_input for bad bodies', async () => {
      const agent = await as(teacher);
      const foreign = await claim(agent, {
        siteId: other.siteIds[0],
        subjectId: BUSINESS,
        role: 'teacher',
      });
      expect(foreign.statusCode).toBe(404);
      expect((foreign.json() as ErrorJson).error.code).toBe('not_found');
      const badRole = await claim(agent, {
        siteId: site0(),
        subjectId: BUSINESS,
        role: 'headteacher',
      });
      expect(badRole.statusCode).toBe(400);
      expect((badRole.json() as ErrorJson).error.fields).toHaveProperty('role');
      const badSubject = await claim(agent, {
        siteId: site0(),
        subjectId: 'astrology',
        role: 'teacher',
      });
      expect((badSubject.json() as ErrorJson).error.fields).toHaveProperty('subjectId');
      const missing = await claim(agent, { siteId: site0() });
      expect(Object.keys((missing.json() as ErrorJson).error.fields ?? {}).sort()).toEqual([
        'role',
        'subjectId',
      ]);
      expect(
        await t.db.selectFrom('claims').selectAll().where('claimant_id', '=', teacher.id).execute(),
      ).toHaveLength(0);
    });

    it('refuses a claim without the CSRF header and a signed-out caller', async () => {
      const agent = await as(teacher);
      const noCsrf = await agent.api(
        'POST',
        paths.api.claims,
        { siteId: site0(), subjectId: BUSINESS, role: 'teacher' },
        { csrf: false },
      );
      expect(noCsrf.statusCode).toBe(403);
      expect((noCsrf.json() as ErrorJson).error.code).toBe('csrf');
      const anonymous = await new Agent(t.app).api('POST', paths.api.claims, {
        siteId: site0(),
        subjectId: BUSINESS,
        role: 'teacher',
      });
      expect(anonymous.statusCode).toBe(401);
    });
  });

  describe('deciding claims', () => {
    it('lets the LIV approve a member claim: status, decider, audit row and email to the claimant', async () => {
      const made = (
        await claim(await as(teacher), { siteId: site0(), subjectId: BUSINESS, role: 'assessor' })
      ).json() as { claim: ClaimJson };
      const livAgent = await as(liv);
      const pending = (await livAgent.get(paths.api.approvals)).json() as { claims: ClaimJson[] };
      expect(pending.claims.map((c) => c.id)).toEqual([made.claim.id]);
      const response = await decideAs(livAgent, [
        { claimId: made.claim.id, approve: true, reason: 'Welcome aboard' },
      ]);
      expect(response.json()).toEqual({
        results: [{ claimId: made.claim.id, status: 'approved' }],
      });
      const row = await t.db
        .selectFrom('claims')
        .selectAll()
        .where('id', '=', made.claim.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: 'approved',
        decided_by_id: liv.id,
        reason: 'Welcome aboard',
      });
      expect(await auditOf('claim.approved')).toHaveLength(1);
      const mail = await mailTo(teacher);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe('Your role claim has been approved: Assessor in Business');
      expect(mail[0]?.body_text).toContain('Assessor, Teacher');
      const me = (await (await as(teacher)).get(paths.api.me)).json() as { roles: unknown[] };
      expect(me.roles).toEqual([
        { siteId: site0(), subjectId: BUSINESS, role: 'assessor', status: 'approved' },
      ]);
    });

    it('sends the reason and the suggestion to talk it over when a claim is rejected', async () => {
      const made = (
        await claim(await as(teacher), {
          siteId: site0(),
          subjectId: BUSINESS,
          role: 'course_leader',
        })
      ).json() as { claim: ClaimJson };
      await decideAs(await as(liv), [
        { claimId: made.claim.id, approve: false, reason: 'You lead Sport, not Business' },
      ]);
      const mail = await mailTo(teacher);
      expect(mail[0]?.subject).toBe('Your role claim has been rejected: Course Leader in Business');
      expect(mail[0]?.body_text).toContain('You lead Sport, not Business');
      expect(mail[0]?.body_text).toContain('We suggest you discuss this directly with Liv Lead');
      expect(await auditOf('claim.rejected')).toHaveLength(1);
    });

    it('refuses the LIV deciding an LIV claim, a claim in another subject, and a claim at another site', async () => {
      const livClaim = (
        await claim(await as(teacher), {
          siteId: site0(),
          subjectId: BUSINESS,
          role: 'lead_internal_verifier',
        })
      ).json() as { claim: ClaimJson };
      const sportClaim = (
        await claim(await as(colleague), { siteId: site0(), subjectId: SPORT, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      const northClaim = (
        await claim(await as(colleague), { siteId: site1(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      const livAgent = await as(liv);
      expect(
        ((await livAgent.get(paths.api.approvals)).json() as { claims: ClaimJson[] }).claims,
      ).toEqual([]);
      const response = await decideAs(livAgent, [
        { claimId: livClaim.claim.id, approve: true },
        { claimId: sportClaim.claim.id, approve: true },
        { claimId: northClaim.claim.id, approve: true },
      ]);
      const results = (response.json() as { results: { error?: { code: string } }[] }).results;
      expect(results.map((r) => r.error?.code)).toEqual(['forbidden', 'forbidden', 'forbidden']);
      const statuses = await t.db
        .selectFrom('claims')
        .select('status')
        .where('claimant_id', 'in', [teacher.id, colleague.id])
        .execute();
      expect(statuses.every((s) => s.status === 'pending')).toBe(true);
      expect(await auditOf('claim.approved')).toHaveLength(0);
    });

    it("refuses the QN of another site, and lets the site's QN decide a claim routed to the LIV", async () => {
      const made = (
        await claim(await as(teacher), { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      const north = await decideAs(await as(northQn), [{ claimId: made.claim.id, approve: true }]);
      expect(
        (north.json() as { results: { error?: { code: string } }[] }).results[0]?.error?.code,
      ).toBe('forbidden');
      const ok = await decideAs(await as(qn), [{ claimId: made.claim.id, approve: true }]);
      expect((ok.json() as { results: { status?: string }[] }).results[0]?.status).toBe('approved');
    });

    it('refuses the LIV deciding their own claim to step down in their own subject', async () => {
      const livAgent = await as(liv);
      const made = (
        await claim(livAgent, { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      expect(made.claim.approvers).toEqual([{ id: qn.id, name: 'Quinn Nominee' }]);
      const own = await decideAs(livAgent, [{ claimId: made.claim.id, approve: true }]);
      expect((own.json() as { results: unknown[] }).results).toEqual([
        {
          claimId: made.claim.id,
          error: { code: 'forbidden', message: 'You cannot decide your own claim' },
        },
      ]);
      const row = await t.db
        .selectFrom('claims')
        .select('status')
        .where('id', '=', made.claim.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('pending');
      expect(await auditOf('claim.approved')).toHaveLength(0);
      expect(await mailTo(liv)).toHaveLength(0);
    });

    it('refuses a QN deciding their own claim at a site they became QN of', async () => {
      const made = (
        await claim(await as(qn), { siteId: site1(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      await makeQualityNominee(t.db, qn); // now centre-wide: QN of the claim's site too
      const own = await decideAs(await as(qn), [{ claimId: made.claim.id, approve: false }]);
      expect((own.json() as { results: unknown[] }).results).toEqual([
        {
          claimId: made.claim.id,
          error: { code: 'forbidden', message: 'You cannot decide your own claim' },
        },
      ]);
      expect(await auditOf('claim.rejected')).toHaveLength(0);
    });

    it("lets the centre's QN decide a claim at any site, beside the site's own QN", async () => {
      const centreQn = await buildAccount(t.db, centre, { first: 'Cen', last: 'Tral' });
      await makeQualityNominee(t.db, centreQn);
      const made = (
        await claim(await as(teacher), {
          siteId: site1(),
          subjectId: SPORT,
          role: 'lead_internal_verifier',
        })
      ).json() as { claim: ClaimJson };
      expect(made.claim.approvers).toEqual([{ id: northQn.id, name: 'Norah North' }]);
      const agent = await as(centreQn);
      const pending = (await agent.get(paths.api.approvals)).json() as { claims: ClaimJson[] };
      expect(pending.claims.map((c) => c.id)).toEqual([made.claim.id]);
      const response = await decideAs(agent, [{ claimId: made.claim.id, approve: true }]);
      expect((response.json() as { results: unknown[] }).results).toEqual([
        { claimId: made.claim.id, status: 'approved' },
      ]);
      const audit = await auditOf('claim.approved');
      expect(audit.map((r) => [r.target_id, r.actor_id, r.site_id])).toEqual([
        [made.claim.id, centreQn.id, site1()],
      ]);
      expect((await mailTo(teacher))[0]?.body_text).toContain('Cen Tral has approved your claim');
    });

    it('works out who may decide with the roles held when deciding, not those loaded with the request', async () => {
      const service = createRoleClaimService({
        db: t.db,
        clock: t.clock,
        baseUrl: 'http://localhost:3000',
      });
      const made = (
        await claim(await as(teacher), { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      const approved = await buildClaim(t.db, {
        account: colleague,
        subjectId: BUSINESS,
        role: 'assessor',
      });
      // The LIV's index is loaded, then their role is taken back before they decide.
      const stale = await service.loadActor({ id: liv.id, name: liv.name, centreId: centre.id });
      expect(stale.approved.size).toBe(1);
      await t.db
        .updateTable('claims')
        .set({ status: 'revoked' })
        .where('claimant_id', '=', liv.id)
        .execute();
      const results = await service.decideMany(
        stale,
        [{ claimId: made.claim.id, approve: true }],
        '127.0.0.1',
      );
      expect(results).toEqual([
        {
          claimId: made.claim.id,
          error: { code: 'forbidden', message: expect.stringContaining('Only') as string },
        },
      ]);
      await expect(service.revoke(stale, approved, undefined, '127.0.0.1')).rejects.toMatchObject({
        code: 'forbidden',
      });
      const statuses = await t.db
        .selectFrom('claims')
        .select(['id', 'status'])
        .where('id', 'in', [made.claim.id, approved])
        .execute();
      expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({
        [made.claim.id]: 'pending',
        [approved]: 'approved',
      });
      expect(await auditOf('claim.approved')).toHaveLength(0);
      expect(await auditOf('claim.revoked')).toHaveLength(0);
    });

    it('works out who may decide at decision time: an LIV approved later decides a claim first routed to the QN', async () => {
      const made = (
        await claim(await as(teacher), { siteId: site0(), subjectId: SPORT, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      expect(made.claim.approvers.map((a) => a.id)).toEqual([qn.id]);
      await buildClaim(t.db, {
        account: colleague,
        subjectId: SPORT,
        role: 'lead_internal_verifier',
      });
      const sportLiv = await as(colleague);
      const pending = (await sportLiv.get(paths.api.approvals)).json() as { claims: ClaimJson[] };
      expect(pending.claims.map((c) => c.id)).toEqual([made.claim.id]);
      const result = await decideAs(sportLiv, [{ claimId: made.claim.id, approve: true }]);
      expect((result.json() as { results: { status?: string }[] }).results[0]?.status).toBe(
        'approved',
      );
    });

    it('decides a batch where one row fails and the others succeed', async () => {
      const a = (
        await claim(await as(teacher), { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      const b = (
        await claim(await as(colleague), { siteId: site0(), subjectId: BUSINESS, role: 'assessor' })
      ).json() as { claim: ClaimJson };
      const response = await decideAs(await as(liv), [
        { claimId: a.claim.id, approve: true },
        { claimId: 'no-such-claim', approve: true },
        { claimId: b.claim.id, approve: false },
      ]);
      expect(response.statusCode).toBe(200);
      expect((response.json() as { results: unknown[] }).results).toEqual([
        { claimId: a.claim.id, status: 'approved' },
        {
          claimId: 'no-such-claim',
          error: { code: 'not_found', message: expect.any(String) as string },
        },
        { claimId: b.claim.id, status: 'rejected' },
      ]);
      const approved = await auditOf('claim.approved');
      expect(approved.map((r) => [r.target_id, r.actor_id])).toEqual([[a.claim.id, liv.id]]);
      const rejected = await auditOf('claim.rejected');
      expect(rejected.map((r) => [r.target_id, r.actor_id])).toEqual([[b.claim.id, liv.id]]);
      expect((await mailTo(teacher)).map((m) => m.subject)).toEqual([
        'Your role claim has been approved: Teacher in Business',
      ]);
      expect((await mailTo(colleague)).map((m) => m.subject)).toEqual([
        'Your role claim has been rejected: Assessor in Business',
      ]);
    });

    it('answers conflict for a claim already decided, and sends one email only', async () => {
      const made = (
        await claim(await as(teacher), { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      await decideAs(await as(liv), [{ claimId: made.claim.id, approve: true }]);
      const again = await decideAs(await as(qn), [{ claimId: made.claim.id, approve: false }]);
      const result = (again.json() as { results: { error?: { code: string; message: string } }[] })
        .results[0];
      expect(result?.error?.code).toBe('conflict');
      expect(result?.error?.message).toContain('already been approved by Liv Lead');
      expect(await mailTo(teacher)).toHaveLength(1);
    });

    it('lets exactly one of two concurrent decisions win, with one email to the claimant', async () => {
      const made = (
        await claim(await as(teacher), { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      const [livAgent, qnAgent] = await Promise.all([as(liv), as(qn)]);
      const responses = await Promise.all([
        decideAs(livAgent, [{ claimId: made.claim.id, approve: true }]),
        decideAs(qnAgent, [{ claimId: made.claim.id, approve: false }]),
      ]);
      const results = responses.map(
        (r) =>
          (r.json() as { results: { status?: string; error?: { code: string } }[] }).results[0],
      );
      expect(results.filter((r) => r?.status !== undefined)).toHaveLength(1);
      expect(results.filter((r) => r?.error?.code === 'conflict')).toHaveLength(1);
      expect(await mailTo(teacher)).toHaveLength(1);
      const decided =
        (await auditOf('claim.approved')).length + (await auditOf('claim.rejected')).length;
      expect(decided).toBe(1);
    });

    it('supersedes the earlier approved role when a new claim is approved (stepping down)', async () => {
      const old = await buildClaim(t.db, {
        account: teacher,
        subjectId: BUSINESS,
        role: 'course_leader',
      });
      const made = (
        await claim(await as(teacher), { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      await decideAs(await as(liv), [{ claimId: made.claim.id, approve: true }]);
      const oldRow = await t.db
        .selectFrom('claims')
        .select('status')
        .where('id', '=', old)
        .executeTakeFirstOrThrow();
      expect(oldRow.status).toBe('superseded');
      const superseded = await auditOf('claim.superseded');
      expect(superseded).toHaveLength(1);
      expect(superseded[0]).toMatchObject({ target_id: old, actor_id: liv.id });
      expect(JSON.parse(superseded[0]?.details ?? '{}')).toMatchObject({
        role: 'course_leader',
        supersededBy: made.claim.id,
      });
      const me = (await (await as(teacher)).get(paths.api.me)).json() as {
        roles: { role: string; status: string }[];
      };
      expect(me.roles).toEqual([
        { siteId: site0(), subjectId: BUSINESS, role: 'teacher', status: 'approved' },
      ]);
    });
  });

  describe('withdrawing and revoking', () => {
    it('withdraws my pending claim, and refuses withdrawing it twice or someone else’s', async () => {
      const agent = await as(teacher);
      const made = (
        await claim(agent, { siteId: site0(), subjectId: BUSINESS, role: 'teacher' })
      ).json() as { claim: ClaimJson };
      const url = paths.api.claim.replace(':id', made.claim.id);
      const otherPerson = await (await as(colleague)).api('DELETE', url);
      expect(otherPerson.statusCode).toBe(404);
      expect((await agent.api('DELETE', url)).statusCode).toBe(204);
      expect((await agent.api('DELETE', url)).statusCode).toBe(409);
      expect(await auditOf('claim.withdrawn')).toHaveLength(1);
      const approvals = (await (await as(liv)).get(paths.api.approvals)).json() as {
        claims: unknown[];
      };
      expect(approvals.claims).toEqual([]);
    });

    it('lets an approver take back an approved role, with audit and email; others are refused', async () => {
      const approvedId = await buildClaim(t.db, {
        account: teacher,
        subjectId: BUSINESS,
        role: 'assessor',
      });
      const url = paths.api.claimRevoke.replace(':id', approvedId);
      const byColleague = await (await as(colleague)).api('POST', url, {});
      expect(byColleague.statusCode).toBe(403);
      const byStranger = await (await as(stranger)).api('POST', url, {});
      expect(byStranger.statusCode).toBe(404);
      const response = await (await as(liv)).api('POST', url, { reason: 'Left the team' });
      expect(response.statusCode).toBe(200);
      expect((response.json() as { claim: ClaimJson }).claim).toMatchObject({
        status: 'revoked',
        reason: 'Left the team',
      });
      expect(await auditOf('claim.revoked')).toHaveLength(1);
      expect((await mailTo(teacher))[0]?.subject).toBe(
        'Your role has been taken back: Assessor in Business',
      );
      const again = await (await as(liv)).api('POST', url, {});
      expect(again.statusCode).toBe(409);
    });
  });

  describe('reading', () => {
    it('describes me: centre, sites, home site, QN sites and roles', async () => {
      await claim(await as(liv), { siteId: site0(), subjectId: SPORT, role: 'assessor' });
      const me = (await (await as(liv)).get(paths.api.me)).json() as Record<string, unknown>;
      expect(me).toMatchObject({
        user: { id: liv.id, firstName: 'Liv', lastName: 'Lead', username: liv.username },
        centre: { id: centre.id },
        homeSiteId: site0(),
        qualityNomineeSiteIds: [],
      });
      expect((me.sites as unknown[]).length).toBe(2);
      expect(me.roles).toEqual(
        expect.arrayContaining([
          {
            siteId: site0(),
            subjectId: BUSINESS,
            role: 'lead_internal_verifier',
            status: 'approved',
          },
          { siteId: site0(), subjectId: SPORT, role: 'assessor', status: 'pending' },
        ]),
      );
      const qnMe = (await (await as(qn)).get(paths.api.me)).json() as {
        qualityNomineeSiteIds: string[];
      };
      expect(qnMe.qualityNomineeSiteIds).toEqual([site0()]);
    });

    it('lists the subject areas', async () => {
      const body = (await (await as(teacher)).get(paths.api.subjects)).json() as {
        subjects: { id: string; name: string }[];
      };
      expect(body.subjects.slice(0, 2)).toEqual([
        { id: 'business', name: 'Business' },
        { id: 'applied-science', name: 'Applied Science' },
      ]);
    });

    it('shows a claim of another centre to nobody', async () => {
      const foreignLiv = await buildAccount(t.db, other, { first: 'F', last: 'L' });
      await buildClaim(t.db, {
        account: foreignLiv,
        subjectId: BUSINESS,
        role: 'lead_internal_verifier',
      });
      await claim(await as(stranger), {
        siteId: other.siteIds[0],
        subjectId: BUSINESS,
        role: 'teacher',
      });
      expect(
        ((await (await as(qn)).get(paths.api.approvals)).json() as { claims: unknown[] }).claims,
      ).toEqual([]);
      expect(
        ((await (await as(liv)).get(paths.api.approvals)).json() as { claims: unknown[] }).claims,
      ).toEqual([]);
    });

    it('lists every pending claim the approver may decide, however many: not a page of them, not the first thousand', async () => {
      const built = await buildPendingClaims(t.db, centre, {
        count: 1001,
        siteId: site0(),
        subjectId: SPORT,
        role: 'teacher',
      });
      await buildPendingClaims(t.db, centre, {
        count: 3,
        siteId: site1(),
        subjectId: SPORT,
        role: 'teacher',
      });
      const response = await (await as(qn)).get(paths.api.approvals);
      expect(response.statusCode).toBe(200);
      const body = response.json() as { claims: ClaimJson[] };
      expect(Object.keys(body)).toEqual(['claims']);
      expect(body.claims).toHaveLength(1001);
      expect(body.claims.map((c) => c.id)).toEqual(built.map((c) => c.id).reverse());
      expect(body.claims[0]).toMatchObject({
        status: 'pending',
        role: 'teacher',
        siteId: site0(),
        subjectId: SPORT,
        claimant: { id: built[1000]?.claimantId },
        approvers: [],
        createdAt: built[1000]?.createdAt,
      });
    });
  });
});
