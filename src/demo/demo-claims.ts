import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import type { Role } from '../domain/roles.js';
import { demoAccountId, DEMO_CENTRE } from './demo-data.js';

/** The subjects of the guide's approval picture, where Demo Courselead is an approved Course Leader. */
const COURSELEAD_SUBJECTS = [
  'business',
  'applied-science',
  'performing-arts',
  'application-of-science',
  'principles-of-applied-science',
  'engineering',
  'information-and-creative-technology',
];

interface DemoClaim {
  id: string;
  who: string;
  site: 'site-99000' | 'site-99001';
  subject: string;
  role: Role;
  status: 'approved' | 'pending';
  approvers: string[];
  decidedBy?: string;
}

const people: Record<string, string> = {
  qn: 'Demo QN',
  'north.qn': 'Demo North QN',
  liv: 'Demo LIV',
  courselead: 'Demo Courselead',
  iv: 'Demo IV',
  assessor: 'Demo Assessor',
  teacher: 'Demo Teacher',
};

const CLAIMS: DemoClaim[] = [
  {
    id: 'demo-claim-liv-business',
    who: 'liv',
    site: 'site-99000',
    subject: 'business',
    role: 'lead_internal_verifier',
    status: 'approved',
    approvers: ['qn'],
    decidedBy: 'qn',
  },
  ...COURSELEAD_SUBJECTS.map((subject): DemoClaim => ({
    id: `demo-claim-courselead-${subject}`,
    who: 'courselead',
    site: 'site-99000',
    subject,
    role: 'course_leader',
    status: 'approved',
    approvers: subject === 'business' ? ['liv'] : ['qn'],
    decidedBy: subject === 'business' ? 'liv' : 'qn',
  })),
  {
    id: 'demo-claim-teacher-business',
    who: 'teacher',
    site: 'site-99000',
    subject: 'business',
    role: 'teacher',
    status: 'approved',
    approvers: ['liv'],
    decidedBy: 'liv',
  },
  // Waiting for Demo LIV:
  {
    id: 'demo-claim-iv-business',
    who: 'iv',
    site: 'site-99000',
    subject: 'business',
    role: 'internal_verifier',
    status: 'pending',
    approvers: ['liv'],
  },
  {
    id: 'demo-claim-assessor-business',
    who: 'assessor',
    site: 'site-99000',
    subject: 'business',
    role: 'assessor',
    status: 'pending',
    approvers: ['liv'],
  },
  // Waiting for Demo QN (an LIV claim, and a subject with no LIV):
  {
    id: 'demo-claim-iv-sport',
    who: 'iv',
    site: 'site-99000',
    subject: 'sport',
    role: 'lead_internal_verifier',
    status: 'pending',
    approvers: ['qn'],
  },
  {
    id: 'demo-claim-assessor-engineering',
    who: 'assessor',
    site: 'site-99000',
    subject: 'engineering',
    role: 'assessor',
    status: 'pending',
    approvers: ['qn'],
  },
  // Waiting for Demo North QN:
  {
    id: 'demo-claim-teacher-north',
    who: 'teacher',
    site: 'site-99001',
    subject: 'health-and-social-care',
    role: 'teacher',
    status: 'pending',
    approvers: ['north.qn'],
  },
];

/** Demo role claims (SPEC §9), added once: a claim whose id exists is left as it is. */
export async function loadDemoClaims(db: Db, clock: Clock): Promise<void> {
  const existing = new Set(
    (await db.selectFrom('claims').select('id').where('id', 'like', 'demo-claim-%').execute()).map(
      (r) => r.id,
    ),
  );
  const now = clock.now();
  const day = 24 * 60 * 60_000;
  const missing = CLAIMS.filter((c) => !existing.has(c.id));
  if (missing.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const [index, claim] of missing.entries()) {
      const createdAt = new Date(now.getTime() - (30 - index) * day).toISOString();
      await trx
        .insertInto('claims')
        .values({
          id: claim.id,
          centre_id: DEMO_CENTRE.id,
          site_id: claim.site,
          subject_id: claim.subject,
          claimant_id: demoAccountId(claim.who),
          role: claim.role,
          status: claim.status,
          approvers: JSON.stringify(
            claim.approvers.map((key) => ({ id: demoAccountId(key), name: people[key] ?? key })),
          ),
          created_at: createdAt,
          decided_at: claim.decidedBy ? new Date(Date.parse(createdAt) + day).toISOString() : null,
          decided_by_id: claim.decidedBy ? demoAccountId(claim.decidedBy) : null,
          decided_by_name: claim.decidedBy ? (people[claim.decidedBy] ?? null) : null,
          reason: null,
        })
        .execute();
    }
  });
}
