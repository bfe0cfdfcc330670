import { describe, expect, it } from 'vitest';
import {
  approvedRank,
  buildActor,
  claimedRank,
  pendingRole,
  type ActorRoleGrant,
} from './actor.js';
import type { Role } from './roles.js';

const BUSINESS = 'business';
const SCIENCE = 'science';
const MAIN = 'site-main';
const NORTH = 'site-north';

function actorWith(grants: ActorRoleGrant[], qnSiteIds: string[] = []) {
  return buildActor({ accountId: 'me', name: 'Me', centreId: 'c1', qnSiteIds, grants });
}

describe('buildActor', () => {
  it('indexes approved roles and pending claims by site and subject', () => {
    const actor = actorWith([
      { siteId: MAIN, subjectId: BUSINESS, role: 'assessor', status: 'approved' },
      { siteId: MAIN, subjectId: BUSINESS, role: 'course_leader', status: 'pending' },
      { siteId: NORTH, subjectId: SCIENCE, role: 'teacher', status: 'approved' },
    ]);
    expect([...actor.approved]).toEqual([
      [`${MAIN}:${BUSINESS}`, 'assessor'],
      [`${NORTH}:${SCIENCE}`, 'teacher'],
    ]);
    expect([...actor.pending]).toEqual([[`${MAIN}:${BUSINESS}`, 'course_leader']]);
  });

  it('keeps the identity it was given and copies the QN sites', () => {
    const sites = [MAIN, NORTH];
    const actor = actorWith([], sites);
    sites.push('site-later');
    expect(actor).toMatchObject({ accountId: 'me', name: 'Me', centreId: 'c1' });
    expect([...actor.qnSiteIds]).toEqual([MAIN, NORTH]);
  });

  it.each<[string, ActorRoleGrant['status']]>([
    ['approved roles', 'approved'],
    ['pending claims', 'pending'],
  ])('keeps the senior of two %s in one team, whatever their order', (_label, status) => {
    for (const order of [
      ['teacher', 'internal_verifier'],
      ['internal_verifier', 'teacher'],
    ] as const) {
      const actor = actorWith(
        order.map((role) => ({ siteId: MAIN, subjectId: BUSINESS, role, status })),
      );
      const map = status === 'approved' ? actor.approved : actor.pending;
      expect(map.get(`${MAIN}:${BUSINESS}`)).toBe('internal_verifier');
    }
  });
});

describe('approvedRank and claimedRank', () => {
  const actor = actorWith(
    [
      { siteId: MAIN, subjectId: BUSINESS, role: 'assessor', status: 'approved' },
      { siteId: MAIN, subjectId: BUSINESS, role: 'course_leader', status: 'pending' },
      { siteId: MAIN, subjectId: SCIENCE, role: 'internal_verifier', status: 'pending' },
      { siteId: NORTH, subjectId: BUSINESS, role: 'lead_internal_verifier', status: 'approved' },
      { siteId: NORTH, subjectId: SCIENCE, role: 'lead_internal_verifier', status: 'approved' },
      { siteId: NORTH, subjectId: SCIENCE, role: 'teacher', status: 'pending' },
    ],
    ['site-qn'],
  );

  it.each<[string, string, number, number, Role | undefined, string]>([
    // site, subject, approved, claimed, pending role, situation
    [MAIN, BUSINESS, 2, 4, 'course_leader', 'an approved Assessor claiming Course Leader'],
    [MAIN, SCIENCE, 0, 3, 'internal_verifier', 'a pending Internal Verifier claim alone'],
    [NORTH, BUSINESS, 5, 5, undefined, 'an approved LIV'],
    [NORTH, SCIENCE, 5, 5, 'teacher', 'an approved LIV stepping down to Teacher'],
    [MAIN, 'engineering', 0, 0, undefined, 'another subject at a site where they work'],
    ['site-other', BUSINESS, 0, 0, undefined, 'the same subject at another site'],
    ['site-qn', BUSINESS, 5, 5, undefined, 'any subject at a site where they are QN'],
    ['site-qn', 'engineering', 5, 5, undefined, 'another subject at a site where they are QN'],
  ])(
    'at %s in %s: approved %i, claimed %i (%s, %s)',
    (site, subject, approved, claimed, pending) => {
      expect(approvedRank(actor, site, subject)).toBe(approved);
      expect(claimedRank(actor, site, subject)).toBe(claimed);
      expect(pendingRole(actor, site, subject)).toBe(pending);
    },
  );
});
