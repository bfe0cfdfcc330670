import { describe, expect, it } from 'vitest';
import { buildActor } from './actor.js';
import {
  courseProblems,
  courseRoleRefusal,
  courseRolesFor,
  heldRank,
  keepsLeadingClone,
  isAcademicYear,
  nextAcademicYear,
  type CourseRole,
} from './courses.js';
import type { Role } from './roles.js';

const qualification = {
  glh: 360,
  units: [
    { id: 'u1', number: '1', title: 'Exploring Business', mandatory: true, glh: 90 },
    { id: 'u2', number: '2', title: 'Developing a Marketing Campaign', mandatory: true, glh: 90 },
    { id: 'u3', number: '3', title: 'Personal and Business Finance', mandatory: true, glh: 120 },
    { id: 'u4', number: '4', title: 'Managing an Event', mandatory: false, glh: 60 },
    { id: 'u5', number: '5', title: 'International Business', mandatory: false, glh: 60 },
  ],
};

describe('courseProblems', () => {
  it.each([
    [['u1', 'u2', 'u3', 'u4'], []],
    [['u1', 'u2', 'u3', 'u4', 'u5'], []],
    [
      ['u1', 'u2', 'u4', 'u5'],
      [
        'Unit 3: Personal and Business Finance is mandatory',
        '60 more guided learning hours are needed',
      ],
    ],
    [['u1', 'u2', 'u3'], ['60 more guided learning hours are needed']],
    [
      [],
      [
        'Unit 1: Exploring Business is mandatory',
        'Unit 2: Developing a Marketing Campaign is mandatory',
        'Unit 3: Personal and Business Finance is mandatory',
        '360 more guided learning hours are needed',
      ],
    ],
    [['u1', 'u2', 'u3', 'unknown'], ['60 more guided learning hours are needed']],
  ])('with units %j says %j', (chosen, expected) => {
    expect(courseProblems(qualification, chosen)).toEqual(expected);
  });

  it('says "hour is" for a single hour', () => {
    expect(courseProblems({ glh: 1, units: [] }, [])).toEqual([
      '1 more guided learning hour is needed',
    ]);
  });
});

describe('courseRoleRefusal', () => {
  const person = (
    role: Role | undefined,
    status: 'approved' | 'pending' = 'approved',
    qn = false,
  ) =>
    buildActor({
      accountId: 'p',
      name: 'Pat Person',
      centreId: 'c',
      qnSiteIds: qn ? ['s1'] : [],
      grants: role ? [{ siteId: 's1', subjectId: 'business', role, status }] : [],
    });
  const cases: [string, ReturnType<typeof person>, CourseRole, boolean][] = [
    ['an approved Course Leader as leader', person('course_leader'), 'course_leader', true],
    ['an approved LIV as leader', person('lead_internal_verifier'), 'course_leader', true],
    ['the site QN as leader', person(undefined, 'approved', true), 'course_leader', true],
    ['an approved IV as leader', person('internal_verifier'), 'course_leader', false],
    [
      'a pending Course Leader as leader',
      person('course_leader', 'pending'),
      'course_leader',
      false,
    ],
    ['an approved Teacher as Teacher', person('teacher'), 'teacher', true],
    ['an approved Teacher as Assessor', person('teacher'), 'assessor', false],
    ['an approved Assessor as Assessor', person('assessor'), 'assessor', true],
    ['an approved Assessor as IV', person('assessor'), 'internal_verifier', false],
    ['an approved Course Leader as IV', person('course_leader'), 'internal_verifier', true],
    ['someone with no role as Teacher', person(undefined), 'teacher', false],
  ];
  it.each(cases)('%s → allowed %s', (_name, candidate, role, allowed) => {
    expect(courseRoleRefusal(candidate, 's1', 'business', 'Business', role) === undefined).toBe(
      allowed,
    );
  });

  it('refuses the same person in another subject or at another site', () => {
    const cl = person('course_leader');
    expect(courseRoleRefusal(cl, 's1', 'sport', 'Sport', 'teacher')).toBe(
      'Pat Person cannot be added as Teacher: they must be an approved Teacher or above in Sport',
    );
    expect(courseRoleRefusal(cl, 's2', 'business', 'Business', 'teacher')).toBeDefined();
  });
});

describe('courseRolesFor and heldRank', () => {
  it.each([
    [
      { role: 'lead_internal_verifier', qualityNominee: false },
      ['course_leader', 'internal_verifier', 'assessor', 'teacher'],
    ],
    [
      { role: 'course_leader', qualityNominee: false },
      ['course_leader', 'internal_verifier', 'assessor', 'teacher'],
    ],
    [
      { role: 'internal_verifier', qualityNominee: false },
      ['internal_verifier', 'assessor', 'teacher'],
    ],
    [{ role: 'assessor', qualityNominee: false }, ['assessor', 'teacher']],
    [{ role: 'teacher', qualityNominee: false }, ['teacher']],
    [
      { role: null, qualityNominee: true },
      ['course_leader', 'internal_verifier', 'assessor', 'teacher'],
    ],
    [
      { role: 'teacher', qualityNominee: true },
      ['course_leader', 'internal_verifier', 'assessor', 'teacher'],
    ],
    [{ role: null, qualityNominee: false }, []],
  ] as const)('%j may be put on a course as %j', (person, roles) => {
    expect(courseRolesFor(heldRank(person))).toEqual(roles);
  });
});

describe('keepsLeadingClone', () => {
  const leader = (grants: { role: Role; status: 'approved' | 'pending' }[]) =>
    buildActor({
      accountId: 'p',
      name: 'Pat Person',
      centreId: 'c',
      qnSiteIds: [],
      grants: grants.map((g) => ({ siteId: 's1', subjectId: 'business', ...g })),
    });
  it.each([
    ['an approved Course Leader', [{ role: 'course_leader', status: 'approved' }], true],
    ['a pending Course Leader', [{ role: 'course_leader', status: 'pending' }], true],
    ['an approved LIV', [{ role: 'lead_internal_verifier', status: 'approved' }], true],
    ['someone now only a Teacher', [{ role: 'teacher', status: 'approved' }], false],
    ['someone whose role was taken back', [], false],
  ] as const)('%s → %s', (_name, grants, keeps) => {
    expect(keepsLeadingClone(leader([...grants]), 's1', 'business')).toBe(keeps);
    expect(keepsLeadingClone(leader([...grants]), 's2', 'business')).toBe(false);
  });
});

describe('academic years', () => {
  it.each([
    ['2026/27', true],
    ['1999/00', true],
    ['2026/28', false],
    ['2026-27', false],
    ['26/27', false],
    ['2026/2027', false],
  ])('%s is an academic year: %s', (value, ok) => {
    expect(isAcademicYear(value)).toBe(ok);
  });

  it('moves on by one year', () => {
    expect(nextAcademicYear('2026/27')).toBe('2027/28');
    expect(nextAcademicYear('2099/00')).toBe('2100/01');
  });
});
