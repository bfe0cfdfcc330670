/*
 * Races (SPEC §3 "two approvers deciding at once: exactly one decision wins"; OWASP ASVS 4 V11.1.6):
 * many connections act on the same thing at the same moment — deciding one claim, confirming one
 * course, verifying one brief, sending one brief, withdrawing a claim while it is decided — and
 * exactly one wins, every other one answers `conflict`, and exactly one email goes out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/paths.js';
import { forEachDatabase } from '../support/databases.js';
import {
  buildAccount,
  buildClaim,
  makeQualityNominee,
  type BuiltAccount,
} from '../support/factories.js';
import { createTestApp, signedIn, type Agent, type TestApp } from '../support/test-app.js';
import {
  allYes,
  buildWorld,
  fill,
  freshBrief,
  freshClaim,
  freshCourse,
  type World,
} from '../security/support/world.js';

const ROUNDS = 3;
const TIMEOUT = 120_000;

interface Result {
  claimId: string;
  status?: string;
  error?: { code: string; message: string };
}

forEachDatabase('races', (kind) => {
  let t: TestApp;
  let w: World;
  /** Everyone who may decide a Teacher claim in Business at site 0, confirm its courses and verify its briefs. */
  let deciders: Agent[];
  let extraLivs: BuiltAccount[];

  beforeAll(async () => {
    t = await createTestApp(kind);
    w = await buildWorld(t);
    extraLivs = [];
    for (let i = 0; i < 3; i += 1) {
      const liv = await buildAccount(t.db, w.centreA, { first: 'Extra', last: `Liv${i}` });
      await buildClaim(t.db, {
        account: liv,
        subjectId: 'business',
        role: 'lead_internal_verifier',
      });
      extraLivs.push(liv);
    }
    const centreQn = await buildAccount(t.db, w.centreA, { first: 'Centre', last: 'Nominee' });
    await makeQualityNominee(t.db, centreQn);
    deciders = [
      w.agents.qn,
      w.agents.liv,
      await signedIn(t.app, centreQn.username),
      ...(await Promise.all(extraLivs.map((liv) => signedIn(t.app, liv.username)))),
      // The same people again, in another tab: a second session each.
      await signedIn(t.app, w.people.qn.username),
      await signedIn(t.app, w.people.liv.username),
      await signedIn(t.app, centreQn.username),
    ];
    expect(deciders).toHaveLength(9);
  }, TIMEOUT);
  afterAll(() => t.close());

  const mailTo = (username: string) =>
    t.db
      .selectFrom('outbox')
      .select(['id', 'subject'])
      .where('to_address', '=', username)
      .execute();
  const auditOf = (action: string, targetId: string) =>
    t.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', action)
      .where('target_id', '=', targetId)
      .execute();

  describe('deciding one claim', () => {
    it(
      `lets exactly one of ${9} approvers win, the rest answered conflict, with one email`,
      async () => {
        for (let round = 0; round < ROUNDS; round += 1) {
          const { id, claimant } = await freshClaim(w, 'own', 'pending');
          const responses = await Promise.all(
            deciders.map((agent, i) =>
              agent.api('POST', paths.api.approvals, {
                decisions: [{ claimId: id, approve: i % 2 === 0, reason: `From ${i}` }],
              }),
            ),
          );
          expect(responses.map((r) => r.statusCode)).toEqual(Array(deciders.length).fill(200));
          const results = responses.map((r) => (r.json() as { results: Result[] }).results[0]);
          const winners = results.filter((r) => r?.status !== undefined);
          expect(winners, `round ${round}`).toHaveLength(1);
          expect(results.filter((r) => r?.error?.code === 'conflict')).toHaveLength(
            deciders.length - 1,
          );
          const row = await t.db
            .selectFrom('claims')
            .select(['status', 'reason'])
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          expect(row.status).toBe(winners[0]?.status);
          expect(await mailTo(claimant.username)).toHaveLength(1);
          const decided =
            (await auditOf('claim.approved', id)).length +
            (await auditOf('claim.rejected', id)).length;
          expect(decided).toBe(1);
        }
      },
      TIMEOUT,
    );

    it(
      'lets exactly one win when the page form and the API decide at once',
      async () => {
        for (let round = 0; round < ROUNDS; round += 1) {
          const { id, claimant } = await freshClaim(w, 'own', 'pending');
          const responses = await Promise.all(
            deciders.map((agent, i) =>
              i % 2 === 0
                ? agent.form(paths.approvals, { [`decision-${id}`]: i % 4 === 0 ? 'yes' : 'no' })
                : agent.api('POST', paths.api.approvals, {
                    decisions: [{ claimId: id, approve: true }],
                  }),
            ),
          );
          const decided =
            (await auditOf('claim.approved', id)).length +
            (await auditOf('claim.rejected', id)).length;
          expect(decided, `round ${round}`).toBe(1);
          expect(await mailTo(claimant.username)).toHaveLength(1);
          // Each loser is told: the API answers `conflict` in its result, the page says "Not
          // decided" and why on the approvals page it goes back to.
          let winners = 0;
          for (const [i, response] of responses.entries()) {
            if (i % 2 === 0) {
              expect(response.statusCode).toBe(303);
              const page = (await (deciders[i] as Agent).get(paths.approvals)).body;
              if (
                page.includes(`Approved: ${claimant.name}`) ||
                page.includes(`Rejected: ${claimant.name}`)
              )
                winners += 1;
              else {
                expect(page, `round ${round}, page ${i}`).toContain(
                  `Not decided: ${claimant.name}`,
                );
                expect(page).toMatch(
                  /This claim has (already been (approved|rejected)|just been decided)/,
                );
              }
            } else {
              const result = (response.json() as { results: Result[] }).results[0];
              if (result?.status !== undefined) winners += 1;
              else expect(result?.error?.code, `round ${round}, API ${i}`).toBe('conflict');
            }
          }
          expect(winners, `round ${round}`).toBe(1);
        }
      },
      TIMEOUT,
    );

    it(
      'either withdraws or decides a claim withdrawn while it is being decided, never both',
      async () => {
        for (let round = 0; round < ROUNDS * 2; round += 1) {
          const { id, claimant } = await freshClaim(w, 'own', 'pending');
          const own = await signedIn(t.app, claimant.username);
          const [withdrawal, ...decisions] = await Promise.all([
            own.api('DELETE', fill(paths.api.claim, id)),
            ...deciders.slice(0, 4).map((agent) =>
              agent.api('POST', paths.api.approvals, {
                decisions: [{ claimId: id, approve: true }],
              }),
            ),
          ]);
          const row = await t.db
            .selectFrom('claims')
            .select('status')
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          const approvedBy = decisions.filter(
            (r) => (r.json() as { results: Result[] }).results[0]?.status === 'approved',
          ).length;
          if (withdrawal?.statusCode === 204) {
            expect(row.status).toBe('withdrawn');
            expect(approvedBy).toBe(0);
            expect(await mailTo(claimant.username)).toHaveLength(0);
          } else {
            expect(withdrawal?.statusCode).toBe(409);
            expect(row.status).toBe('approved');
            expect(approvedBy).toBe(1);
            expect(await mailTo(claimant.username)).toHaveLength(1);
          }
        }
      },
      TIMEOUT,
    );

    it(
      'keeps one pending claim per person and team when one person claims from many tabs at once',
      async () => {
        const person = await buildAccount(t.db, w.centreA, { first: 'Many', last: 'Tabs' });
        const tabs = await Promise.all(
          Array.from({ length: 6 }, () => signedIn(t.app, person.username)),
        );
        const roles = [
          'teacher',
          'assessor',
          'internal_verifier',
          'course_leader',
          'teacher',
          'assessor',
        ];
        const responses = await Promise.all(
          tabs.map((tab, i) =>
            tab.api('POST', paths.api.claims, {
              siteId: w.teams.own.siteId,
              subjectId: 'business',
              role: roles[i],
            }),
          ),
        );
        for (const response of responses) expect([201, 409]).toContain(response.statusCode);
        const pending = await t.db
          .selectFrom('claims')
          .select('id')
          .where('claimant_id', '=', person.id)
          .where('status', '=', 'pending')
          .execute();
        expect(pending).toHaveLength(1);
      },
      TIMEOUT,
    );
  });

  describe('confirming one course', () => {
    it(
      'lets exactly one of the leader, LIVs and Quality Nominees confirm it; the rest answered conflict',
      async () => {
        const confirmers = [w.agents.cl, ...deciders];
        for (let round = 0; round < ROUNDS; round += 1) {
          const id = await freshCourse(w, 'own');
          const responses = await Promise.all(
            confirmers.map((agent) => agent.api('POST', fill(paths.api.courseConfirm, id))),
          );
          const statuses = responses.map((r) => r.statusCode).sort();
          expect(statuses, `round ${round}`).toEqual([
            200,
            ...Array(confirmers.length - 1).fill(409),
          ]);
          for (const refused of responses.filter((r) => r.statusCode === 409))
            expect((refused.json() as { error: { code: string } }).error.code).toBe('conflict');
          expect(await auditOf('course.confirmed', id)).toHaveLength(1);
        }
      },
      TIMEOUT,
    );

    it(
      'either deletes or confirms a draft deleted while it is being confirmed, never both',
      async () => {
        for (let round = 0; round < ROUNDS * 2; round += 1) {
          const id = await freshCourse(w, 'own');
          const [removal, ...confirmations] = await Promise.all([
            w.agents.cl.api('DELETE', fill(paths.api.course, id)),
            ...deciders
              .slice(0, 4)
              .map((agent) => agent.api('POST', fill(paths.api.courseConfirm, id))),
          ]);
          const row = await t.db
            .selectFrom('courses')
            .select('status')
            .where('id', '=', id)
            .executeTakeFirst();
          const confirmed = confirmations.filter((r) => r.statusCode === 200).length;
          if (row === undefined) {
            expect(removal?.statusCode).toBe(204);
            expect(confirmed).toBe(0);
          } else {
            expect(confirmed).toBe(1);
            // Deleting a confirmed course archives it (SPEC §5).
            expect(['confirmed', 'archived']).toContain(row.status);
          }
        }
      },
      TIMEOUT,
    );
  });

  describe('verifying one brief', () => {
    it(
      'lets exactly one of the IV, LIVs and Quality Nominees verify it; the rest answered conflict; one email',
      async () => {
        const verifiers = [w.agents.iv, ...deciders];
        for (let round = 0; round < ROUNDS; round += 1) {
          const id = await freshBrief(w, 'own', 'awaiting_verification');
          const before = (await mailTo(w.teams.own.author.username)).length;
          const responses = await Promise.all(
            verifiers.map((agent, i) =>
              agent.api('POST', fill(paths.api.briefVerification, id), {
                approve: i % 2 === 0,
                checklist: allYes,
                feedback: `Verified by ${i}`,
              }),
            ),
          );
          const statuses = responses.map((r) => r.statusCode).sort();
          expect(statuses, `round ${round}`).toEqual([
            200,
            ...Array(verifiers.length - 1).fill(409),
          ]);
          for (const refused of responses.filter((r) => r.statusCode === 409))
            expect((refused.json() as { error: { code: string } }).error.code).toBe('conflict');
          const records = await t.db
            .selectFrom('brief_verifications')
            .select('id')
            .where('brief_id', '=', id)
            .execute();
          expect(records).toHaveLength(1);
          expect((await mailTo(w.teams.own.author.username)).length - before).toBe(1);
        }
      },
      TIMEOUT,
    );

    it(
      'sends a brief to its IV once when its author sends it from several tabs at once',
      async () => {
        const tabs = [
          w.teams.own.authorAgent,
          ...(await Promise.all(
            Array.from({ length: 4 }, () => signedIn(t.app, w.teams.own.author.username)),
          )),
        ];
        for (let round = 0; round < ROUNDS; round += 1) {
          const id = await freshBrief(w, 'own', 'draft');
          const before = (await mailTo(w.people.iv.username)).length;
          const responses = await Promise.all(
            tabs.map((tab) =>
              tab.api('POST', fill(paths.api.briefSubmit, id), { ivId: w.people.iv.id }),
            ),
          );
          expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
          expect((await mailTo(w.people.iv.username)).length - before).toBe(1);
        }
      },
      TIMEOUT,
    );
  });
});
