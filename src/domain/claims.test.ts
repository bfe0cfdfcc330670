import { describe, expect, it } from 'vitest';
import {
  CLAIM_EVENTS,
  CLAIM_STATUSES,
  approverLabel,
  approversFor,
  canTransition,
  isClaimStatus,
  mayClaimAt,
  mayWithdraw,
  nextStatus,
  qnNeedNotClaimSentence,
  type ApproverTeam,
  type ClaimEvent,
  type ClaimStatus,
} from './claims.js';
import { buildActor, type Actor } from './actor.js';
import { ROLES, type Role } from './roles.js';

// Every status × every event, written out: the state machine of SPEC §3.
const TRANSITIONS: [ClaimStatus, ClaimEvent, ClaimStatus | null][] = [
  ['pending', 'approve', 'approved'],
  ['pending', 'reject', 'rejected'],
  ['pending', 'withdraw', 'withdrawn'],
  ['pending', 'supersede', 'superseded'],
  ['pending', 'revoke', null],
  ['approved', 'approve', null],
  ['approved', 'reject', null],
  ['approved', 'withdraw', null],
  ['approved', 'supersede', 'superseded'],
  ['approved', 'revoke', 'revoked'],
  ['rejected', 'approve', null],
  ['rejected', 'reject', null],
  ['rejected', 'withdraw', null],
  ['rejected', 'supersede', null],
  ['rejected', 'revoke', null],
  ['withdrawn', 'approve', null],
  ['withdrawn', 'reject', null],
  ['withdrawn', 'withdraw', null],
  ['withdrawn', 'supersede', null],
  ['withdrawn', 'revoke', null],
  ['superseded', 'approve', null],
  ['superseded', 'reject', null],
  ['superseded', 'withdraw', null],
  ['superseded', 'supersede', null],
  ['superseded', 'revoke', null],
  ['revoked', 'approve', null],
  ['revoked', 'reject', null],
  ['revoked', 'withdraw', null],
  ['revoked', 'supersede', null],
  ['revoked', 'revoke', null],
];

describe('claim state machine', () => {
  it('knows the six states and five events of the wire format', () => {
    expect(CLAIM_STATUSES).toEqual([
      'pending',
      'approved',
      'rejected',
      'withdrawn',
      'superseded',
      'revoked',
    ]);
    expect(CLAIM_EVENTS).toEqual(['approve', 'reject', 'withdraw', 'supersede', 'revoke']);
  });

  it('covers every status and event in the table below', () => {
    expect(TRANSITIONS).toHaveLength(CLAIM_STATUSES.length * CLAIM_EVENTS.length);
    for (const status of CLAIM_STATUSES) {
      for (const event of CLAIM_EVENTS) {
        expect(TRANSITIONS.filter(([s, e]) => s === status && e === event)).toHaveLength(1);
      }
    }
  });

  it.each(TRANSITIONS.filter(([, , to]) => to !== null))(
    'moves a %s claim on %s to %s',
    (from, event, to) => {
      expect(nextStatus(from, event)).toBe(to);
      expect(canTransition(from, event)).toBe(true);
    },
  );

  it.each(
    TRANSITIONS.filter(([, , to]) => to === null).map(([from, event]) => [event, from] as const),
  )('refuses to %s a %s claim', (event, from) => {
    expect(nextStatus(from, event)).toBeNull();
    expect(canTransition(from, event)).toBe(false);
  });

  it.each(CLAIM_STATUSES)('recognises "%s" as a claim status', (status) => {
    expect(isClaimStatus(status)).toBe(true);
  });

  it.each<[unknown]>([['Pending'], ['approve'], ['cancelled'], [''], [null], [1]])(
    'does not recognise %j as a claim status',
    (x) => {
      expect(isClaimStatus(x)).toBe(false);
    },
  );
});

const BELOW_LIV = ROLES.filter((r) => r !== 'lead_internal_verifier');

describe('approversFor', () => {
  const team = (t: Partial<ApproverTeam>): ApproverTeam => ({
    livIds: [],
    siteQnIds: [],
    centreQnIds: [],
    ...t,
  });

  it.each<[string, Role, string, ApproverTeam, { ids: string[]; kind: 'liv' | 'qn' }]>([
    [
      'routes an LIV claim to the site QN even when the subject has an LIV',
      'lead_internal_verifier',
      'claimant',
      team({ livIds: ['liv1'], siteQnIds: ['siteQn'], centreQnIds: ['centreQn'] }),
      { ids: ['siteQn'], kind: 'qn' },
    ],
    [
      "routes an LIV claim to the centre's QN where the site has none",
      'lead_internal_verifier',
      'claimant',
      team({ livIds: ['liv1'], centreQnIds: ['centreQn'] }),
      { ids: ['centreQn'], kind: 'qn' },
    ],
    [
      'routes an LIV claim to every QN of the site',
      'lead_internal_verifier',
      'claimant',
      team({ siteQnIds: ['qnA', 'qnB'], centreQnIds: ['centreQn'] }),
      { ids: ['qnA', 'qnB'], kind: 'qn' },
    ],
    [
      "routes an LIV claim by the site's own QN to the centre's QN",
      'lead_internal_verifier',
      'siteQn',
      team({ siteQnIds: ['siteQn'], centreQnIds: ['centreQn'] }),
      { ids: ['centreQn'], kind: 'qn' },
    ],
    [
      'routes an LIV claim to nobody when there is no QN at all',
      'lead_internal_verifier',
      'claimant',
      team({ livIds: ['liv1'] }),
      { ids: [], kind: 'qn' },
    ],
    [
      'routes a Course Leader claim to every LIV of the subject, not to the QN',
      'course_leader',
      'claimant',
      team({ livIds: ['liv1', 'liv2'], siteQnIds: ['siteQn'], centreQnIds: ['centreQn'] }),
      { ids: ['liv1', 'liv2'], kind: 'liv' },
    ],
    [
      'routes a Teacher claim to the site QN where the subject has no LIV',
      'teacher',
      'claimant',
      team({ siteQnIds: ['siteQn'], centreQnIds: ['centreQn'] }),
      { ids: ['siteQn'], kind: 'qn' },
    ],
    [
      "routes an Assessor claim to the centre's QN where there is no LIV and no site QN",
      'assessor',
      'claimant',
      team({ centreQnIds: ['centreQn'] }),
      { ids: ['centreQn'], kind: 'qn' },
    ],
    [
      'routes a claim by the only LIV (stepping down) to the site QN',
      'teacher',
      'liv1',
      team({ livIds: ['liv1'], siteQnIds: ['siteQn'], centreQnIds: ['centreQn'] }),
      { ids: ['siteQn'], kind: 'qn' },
    ],
    [
      "routes a claim by the only LIV to the centre's QN where the site has none",
      'internal_verifier',
      'liv1',
      team({ livIds: ['liv1'], centreQnIds: ['centreQn'] }),
      { ids: ['centreQn'], kind: 'qn' },
    ],
    [
      'routes a claim by one of two LIVs to the other LIV only',
      'course_leader',
      'liv1',
      team({ livIds: ['liv1', 'liv2'], siteQnIds: ['siteQn'] }),
      { ids: ['liv2'], kind: 'liv' },
    ],
    [
      'lists an approver recorded twice once',
      'lead_internal_verifier',
      'claimant',
      team({ siteQnIds: ['qn', 'qn'] }),
      { ids: ['qn'], kind: 'qn' },
    ],
    [
      'routes a claim to nobody when there is no LIV and no QN',
      'course_leader',
      'claimant',
      team({}),
      { ids: [], kind: 'qn' },
    ],
  ])('%s', (_name, role, claimantId, t, expected) => {
    expect(approversFor({ role, claimantId }, t)).toEqual(expected);
  });

  // The claimant is never among the approvers, whoever else holds which post.
  const placements: [string, ApproverTeam][] = [
    ['an LIV', team({ livIds: ['me', 'liv2'], siteQnIds: ['siteQn'], centreQnIds: ['centreQn'] })],
    ['the site QN', team({ livIds: ['liv1'], siteQnIds: ['me'], centreQnIds: ['centreQn'] })],
    ['the centre QN', team({ siteQnIds: [], centreQnIds: ['me', 'centreQn2'] })],
    ['everything', team({ livIds: ['me'], siteQnIds: ['me'], centreQnIds: ['me'] })],
  ];
  it.each(ROLES.flatMap((role) => placements.map(([where, t]) => [role, where, t] as const)))(
    'never routes a %s claim to the claimant when they are %s',
    (role, _where, t) => {
      expect(approversFor({ role, claimantId: 'me' }, t).ids).not.toContain('me');
    },
  );

  it.each(BELOW_LIV)('routes a %s claim to the LIVs when there are some', (role) => {
    expect(
      approversFor({ role, claimantId: 'x' }, team({ livIds: ['l'], siteQnIds: ['q'] })),
    ).toEqual({
      ids: ['l'],
      kind: 'liv',
    });
  });

  it.each<['liv' | 'qn', string]>([
    ['liv', 'Lead Internal Verifier'],
    ['qn', 'Quality Nominee'],
  ])('names the %s approver "%s"', (kind, label) => {
    expect(approverLabel(kind)).toBe(label);
  });
});

describe('who may claim and withdraw', () => {
  const person = (qnSiteIds: string[]): Actor =>
    buildActor({
      accountId: 'me',
      name: 'Me',
      centreId: 'centre',
      qnSiteIds,
      grants: [{ siteId: 'main', subjectId: 'business', role: 'teacher', status: 'approved' }],
    });

  it.each<[string, string[], string, boolean]>([
    ['lets someone who is QN nowhere claim at any site', [], 'main', true],
    ["refuses the site's QN a claim at their own site", ['main'], 'main', false],
    ["lets the site's QN claim at another site of the centre", ['main'], 'north', true],
    ["refuses the centre's QN a claim at any of its sites", ['main', 'north'], 'north', false],
  ])('%s', (_name, qnSiteIds, siteId, allowed) => {
    expect(mayClaimAt(person(qnSiteIds), siteId)).toBe(allowed);
  });

  it('tells the QN why, naming the site', () => {
    expect(qnNeedNotClaimSentence('99000')).toBe(
      'You are the Quality Nominee for site 99000, so you already have every role there: you do not need to claim roles at this site',
    );
  });

  it.each<[string, Actor, { centreId: string; claimantId: string }, boolean]>([
    [
      'lets the claimant withdraw their claim',
      person([]),
      { centreId: 'centre', claimantId: 'me' },
      true,
    ],
    [
      "refuses someone else's claim",
      person([]),
      { centreId: 'centre', claimantId: 'other' },
      false,
    ],
    [
      "refuses even the site's QN someone else's claim",
      person(['main']),
      { centreId: 'centre', claimantId: 'other' },
      false,
    ],
    [
      'refuses a claim of another centre',
      person([]),
      { centreId: 'elsewhere', claimantId: 'me' },
      false,
    ],
  ])('%s', (_name, actor, claim, allowed) => {
    expect(mayWithdraw(actor, claim)).toBe(allowed);
  });
});
