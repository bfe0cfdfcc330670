import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import { CHECKLIST_ITEMS, type BriefStatus, type ChecklistItem } from '../domain/briefs.js';
import {
  insertVerification,
  insertVersion,
  type BriefVersionContent,
} from '../features/briefs/brief.repository.js';
import { demoAccountId, DEMO_CENTRE } from './demo-data.js';

/** The confirmed Business course of the demo courses step (SPEC §9), which has Unit 1 to 4. */
const COURSE = {
  id: 'demo-course-business-confirmed',
  qualification: 'q-business-l3-ext-cert',
  units: [1, 2, 3, 4].map((n) => `u-business-l3-ext-cert-${n}`),
};
const SITE = 'site-99000';
const unit = (n: number) => `u-business-l3-ext-cert-${n}`;

const people: Record<string, string> = {
  liv: 'Demo LIV',
  iv: 'Demo IV',
};

interface DemoRecord {
  by: string;
  approved: boolean;
  no?: ChecklistItem[];
  comments?: Partial<Record<ChecklistItem, string>>;
  feedback: string;
  actionRequired?: string;
  targetDate?: string;
}

interface DemoBrief {
  id: string;
  unitId: string;
  author: string;
  status: BriefStatus;
  iv: string | null;
  /** Every version, oldest first, each with the IV record made of it (if any). */
  versions: { content: BriefVersionContent; record?: DemoRecord }[];
}

const eventBrief: BriefVersionContent = {
  title: 'Planning a charity business breakfast',
  aims: ['A', 'B'],
  criteria: ['A.P1', 'B.P2', 'AB.M1'],
  scenario:
    'You work as an assistant event organiser for Northfield Events, a small company that runs ' +
    'business and charity events in the town. The local Chamber of Commerce has asked the company ' +
    'to propose a charity business breakfast for its members.',
  tasks: [
    {
      title: 'The role of an event organiser',
      description:
        'Write a briefing note for new staff explaining the role of an event organiser and the skills they need.',
      criteria: ['A.P1', 'AB.M1'],
    },
    {
      title: 'Feasibility study',
      description:
        'Carry out a feasibility study for the charity breakfast: budget, venue, timing, risks and the resources needed.',
      criteria: ['B.P2', 'AB.M1'],
    },
  ],
  evidence: 'A briefing note (about 800 words).\nA feasibility study report with a budget.',
  sources: 'Unit 4 textbook, chapter 1.\nThe Chamber of Commerce events calendar.',
  issueDate: '2026-01-12',
  handInDate: '2026-02-13',
  assessorId: null,
};

const BRIEFS: DemoBrief[] = [
  {
    id: 'demo-brief-draft',
    unitId: unit(1),
    author: 'assessor',
    status: 'draft',
    iv: null,
    versions: [
      {
        content: {
          title: 'Comparing two local businesses',
          aims: ['A', 'B'],
          criteria: ['A.P1', 'B.P2', 'AB.M1'],
          scenario:
            'You are on work experience with the town’s business support team, which advises new ' +
            'businesses. They want a guide comparing two contrasting local businesses.',
          tasks: [
            {
              title: 'Features of two businesses',
              description:
                'Explain the features of a local sole trader and of a national public limited company.',
              criteria: ['A.P1', 'AB.M1'],
            },
            {
              title: 'How they are organised',
              description: 'Explain how the two businesses are structured and organised.',
              criteria: ['B.P2', 'AB.M1'],
            },
          ],
          evidence: 'A guide of about 1,500 words with organisation charts.',
          sources: '',
          issueDate: '2026-09-21',
          handInDate: '2026-10-23',
          assessorId: null,
        },
      },
    ],
  },
  {
    id: 'demo-brief-awaiting',
    unitId: unit(2),
    author: 'assessor',
    status: 'awaiting_verification',
    iv: 'iv',
    versions: [
      {
        content: {
          title: 'A marketing campaign for a new smoothie bar',
          aims: ['A', 'B'],
          criteria: ['A.P1', 'A.P2', 'A.M1', 'B.P3', 'B.M2'],
          scenario:
            'A new smoothie bar is opening near the college. The owner has asked you to research ' +
            'the market and explain how marketing could help the business succeed.',
          tasks: [
            {
              title: 'Marketing aims and the marketing mix',
              description:
                'Explain the aims and objectives of marketing for the smoothie bar and how it could use the marketing mix.',
              criteria: ['A.P1', 'A.P2', 'A.M1'],
            },
            {
              title: 'Market research',
              description:
                'Use market research to identify the target market, and analyse the data to justify your choice.',
              criteria: ['B.P3', 'B.M2'],
            },
          ],
          evidence: 'A presentation with speaker notes.\nA market research report.',
          sources: 'Office for National Statistics local area data.',
          issueDate: '2026-11-02',
          handInDate: '2026-12-11',
          assessorId: null,
        },
      },
    ],
  },
  {
    id: 'demo-brief-returned',
    unitId: unit(3),
    author: 'assessor',
    status: 'returned',
    iv: 'liv',
    versions: [
      {
        content: {
          title: 'Managing money: personal finance',
          aims: ['A'],
          criteria: ['A.P1', 'A.P2'],
          scenario: 'You volunteer at a young people’s money advice drop-in.',
          tasks: [
            {
              title: 'Money and how we pay',
              description:
                'Produce a leaflet that explains the functions of money and different ways to pay for goods and services.',
              criteria: ['A.P1', 'A.P2'],
            },
          ],
          evidence: 'A leaflet.',
          sources: '',
          issueDate: '2026-03-02',
          handInDate: '2026-03-27',
          assessorId: null,
        },
        record: {
          by: 'liv',
          approved: false,
          no: ['vocational_scenario', 'evidence_valid'],
          comments: {
            vocational_scenario: 'The scenario is one line: say who the leaflet is for and why.',
            evidence_valid: 'A leaflet alone may not show an explanation in enough depth.',
          },
          feedback:
            'A good start. Please develop the scenario and ask for a short written explanation alongside the leaflet.',
          actionRequired: 'Expand the scenario; add a written explanation to the evidence.',
          targetDate: '2026-02-20',
        },
      },
    ],
  },
  {
    id: 'demo-brief-approved',
    unitId: unit(4),
    author: 'courselead',
    status: 'approved',
    iv: 'liv',
    versions: [
      {
        content: { ...eventBrief, handInDate: '2026-01-30', assessorId: 'demo-courselead' },
        record: {
          by: 'liv',
          approved: false,
          no: ['timeframe_appropriate'],
          comments: {
            timeframe_appropriate: 'Less than three weeks is short for a feasibility study.',
          },
          feedback: 'Please allow more time before the hand-in date.',
          actionRequired: 'Move the hand-in date to February.',
          targetDate: '2025-12-19',
        },
      },
      {
        content: { ...eventBrief, assessorId: 'demo-courselead' },
        record: {
          by: 'liv',
          approved: true,
          comments: { timeframe_appropriate: 'Five weeks is now appropriate.' },
          feedback: 'Thank you: approved for use.',
        },
      },
    ],
  },
];

/** Makes sure the Business course exists, should the demo courses step not have made it. */
async function ensureCourse(db: Db, now: string): Promise<boolean> {
  const course = await db
    .selectFrom('courses')
    .select('id')
    .where('id', '=', COURSE.id)
    .executeTakeFirst();
  if (course) return true;
  const units = await db.selectFrom('units').select('id').where('id', 'in', COURSE.units).execute();
  if (units.length !== COURSE.units.length) return false;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('courses')
      .values({
        id: COURSE.id,
        centre_id: DEMO_CENTRE.id,
        site_id: SITE,
        subject_id: 'business',
        qualification_id: COURSE.qualification,
        title: 'Business Extended Certificate 2025 intake',
        academic_year: '2025/26',
        start_date: '2025-09-08',
        end_date: '2026-07-17',
        status: 'confirmed',
        created_by_id: demoAccountId('courselead'),
        created_at: now,
        updated_at: now,
        confirmed_at: now,
        cloned_from_id: null,
      })
      .execute();
    await trx
      .insertInto('course_units')
      .values(COURSE.units.map((unitId) => ({ course_id: COURSE.id, unit_id: unitId })))
      .execute();
    await trx
      .insertInto('course_team')
      .values([
        { course_id: COURSE.id, account_id: demoAccountId('courselead'), role: 'course_leader' },
        { course_id: COURSE.id, account_id: demoAccountId('teacher'), role: 'teacher' },
      ])
      .execute();
  });
  return true;
}

/**
 * Demo assignment briefs on the Business course, one in each state: a draft, one awaiting Demo
 * IV, one returned by Demo LIV with its IV record, and one approved at its second version (the
 * first returned). Added once: a brief whose id exists is left as it is.
 */
export async function loadDemoBriefs(db: Db, clock: Clock): Promise<void> {
  const existing = new Set(
    (await db.selectFrom('briefs').select('id').where('id', 'like', 'demo-brief-%').execute()).map(
      (r) => r.id,
    ),
  );
  const missing = BRIEFS.filter((b) => !existing.has(b.id));
  if (missing.length === 0) return;
  const now = clock.now();
  if (!(await ensureCourse(db, now.toISOString()))) return;
  const day = 24 * 60 * 60_000;
  await db.transaction().execute(async (trx) => {
    for (const [index, brief] of missing.entries()) {
      const createdAt = new Date(now.getTime() - (20 - index * 3) * day);
      const at = (step: number) => new Date(createdAt.getTime() + step * day);
      const last = brief.versions.length;
      await trx
        .insertInto('briefs')
        .values({
          id: brief.id,
          centre_id: DEMO_CENTRE.id,
          site_id: SITE,
          subject_id: 'business',
          course_id: COURSE.id,
          unit_id: brief.unitId,
          author_id: demoAccountId(brief.author),
          status: brief.status,
          version: last,
          iv_id: brief.iv ? demoAccountId(brief.iv) : null,
          created_at: createdAt.toISOString(),
          updated_at: at(last * 2).toISOString(),
        })
        .execute();
      for (const [v, version] of brief.versions.entries()) {
        await insertVersion(
          trx,
          brief.id,
          v + 1,
          version.content,
          demoAccountId(brief.author),
          at(v * 2),
        );
        const record = version.record;
        if (!record) continue;
        const no = new Set(record.no ?? []);
        await insertVerification(
          trx,
          {
            briefId: brief.id,
            version: v + 1,
            verifier: { id: demoAccountId(record.by), name: people[record.by] ?? record.by },
            approved: record.approved,
            checklist: Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, !no.has(item)])),
            comments: record.comments ?? {},
            feedback: record.feedback,
            actionRequired: record.actionRequired ?? '',
            targetDate: record.targetDate ?? null,
          },
          at(v * 2 + 1),
        );
      }
    }
  });
}
