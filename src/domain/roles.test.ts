import { describe, expect, it } from 'vitest';
import {
  ROLES,
  approvalSentence,
  cascade,
  claimQuestion,
  isRole,
  permissionsSentence,
  rankOf,
  roleForRank,
  roleName,
  roleShortName,
  withArticle,
  type Role,
} from './roles.js';

// role, rank, name, short name, the cascade it grants, the guide's permissions list
const TABLE: [Role, number, string, string, Role[], string][] = [
  [
    'lead_internal_verifier',
    5,
    'Lead Internal Verifier',
    'LIV',
    ['lead_internal_verifier', 'course_leader', 'internal_verifier', 'assessor', 'teacher'],
    'Lead Internal Verifier, Course Leader, IV, Assessor, Teacher',
  ],
  [
    'course_leader',
    4,
    'Course Leader',
    'CL',
    ['course_leader', 'internal_verifier', 'assessor', 'teacher'],
    'Course Leader, IV, Assessor, Teacher',
  ],
  [
    'internal_verifier',
    3,
    'Internal Verifier',
    'IV',
    ['internal_verifier', 'assessor', 'teacher'],
    'IV, Assessor, Teacher',
  ],
  ['assessor', 2, 'Assessor', 'Assessor', ['assessor', 'teacher'], 'Assessor, Teacher'],
  ['teacher', 1, 'Teacher', 'Teacher', ['teacher'], 'Teacher'],
];

describe('roles', () => {
  it('lists the five claimable roles most senior first, as on the wire', () => {
    expect(ROLES).toEqual([
      'lead_internal_verifier',
      'course_leader',
      'internal_verifier',
      'assessor',
      'teacher',
    ]);
  });

  describe.each(TABLE)('%s', (role, rank, name, short, granted, sentence) => {
    it(`has rank ${rank}`, () => {
      expect(rankOf(role)).toBe(rank);
    });
    it(`is the role of rank ${rank}`, () => {
      expect(roleForRank(rank)).toBe(role);
    });
    it(`is called "${name}" ("${short}")`, () => {
      expect(roleName(role)).toBe(name);
      expect(roleShortName(role)).toBe(short);
    });
    it('grants itself and every role beneath it, most senior first', () => {
      expect(cascade(role)).toEqual(granted);
    });
    it(`lists its permissions as the guide does: "${sentence}"`, () => {
      expect(permissionsSentence(role)).toBe(sentence);
    });
    it('is recognised as a role', () => {
      expect(isRole(role)).toBe(true);
    });
  });

  it.each([0, 6, -1, 2.5, Number.NaN])('has no role of rank %s', (rank) => {
    expect(roleForRank(rank)).toBeUndefined();
  });

  it.each<[unknown]>([
    ['quality_nominee'],
    ['LIV'],
    ['Teacher'],
    [''],
    [' teacher'],
    [undefined],
    [null],
    [5],
    [['teacher']],
    [{}],
  ])('does not recognise %j as a role', (x) => {
    expect(isRole(x)).toBe(false);
  });

  it.each<[Role, string]>([
    ['lead_internal_verifier', 'Are you a Lead Internal Verifier for this subject?'],
    ['course_leader', 'Are you a Course Leader for this subject?'],
    ['internal_verifier', 'Are you an Internal Verifier for this subject?'],
    ['assessor', 'Are you an Assessor for this subject?'],
    ['teacher', 'Are you a Teacher for this subject?'],
  ])('asks the claim question for %s as "%s"', (role, question) => {
    expect(claimQuestion(role)).toBe(question);
  });

  it.each<[Role, string, string]>([
    [
      'lead_internal_verifier',
      'Quality Nominee',
      'If approved as a Lead Internal Verifier by your Quality Nominee you will have the following permissions within this subject: Lead Internal Verifier, Course Leader, IV, Assessor, Teacher.',
    ],
    [
      'course_leader',
      'Lead Internal Verifier',
      'If approved as a Course Leader by your Lead Internal Verifier you will have the following permissions within this subject: Course Leader, IV, Assessor, Teacher.',
    ],
    [
      'internal_verifier',
      'Lead Internal Verifier',
      'If approved as an Internal Verifier by your Lead Internal Verifier you will have the following permissions within this subject: IV, Assessor, Teacher.',
    ],
    [
      'assessor',
      'Quality Nominee',
      'If approved as an Assessor by your Quality Nominee you will have the following permissions within this subject: Assessor, Teacher.',
    ],
    [
      'teacher',
      'Lead Internal Verifier',
      'If approved as a Teacher by your Lead Internal Verifier you will have the following permissions within this subject: Teacher.',
    ],
  ])('tells a %s claimant approved by the %s what they will get', (role, approver, sentence) => {
    expect(approvalSentence(role, approver)).toBe(sentence);
  });

  it.each([
    ['Assessor', 'an Assessor'],
    ['Internal Verifier', 'an Internal Verifier'],
    ['Course Leader', 'a Course Leader'],
    ['Teacher', 'a Teacher'],
    ['Lead Internal Verifier', 'a Lead Internal Verifier'],
    ['Engineering course', 'an Engineering course'],
    ['Upper Sixth tutor', 'an Upper Sixth tutor'],
    ['Office', 'an Office'],
    ['Business teacher', 'a Business teacher'],
  ])('puts the article before "%s": "%s"', (words, expected) => {
    expect(withArticle(words)).toBe(expected);
  });
});
