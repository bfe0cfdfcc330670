// The shape of the benchmark population, centre by centre: pure and deterministic (a seeded
// generator), so that a run on SQLite and one on PostgreSQL hold exactly the same people.
//
// Full scale: 1,000 centres × 4 sites = 4,000 sites, 8 subject teams per site, 50 accounts per site
// (200,000), and 1,000,000 claims in the mix of a live service: mostly approved Teachers and
// Assessors, fewer Internal Verifiers and Course Leaders, one approved Lead Internal Verifier in
// most teams, a Quality Nominee per site (or one for the whole centre), some pending, rejected,
// withdrawn, revoked, and older claims superseded by newer ones.
//
// Special centres:
// - centre 0, the busy centre: a centre-wide Quality Nominee with ~500 pending claims across its
//   four sites, and a Lead Internal Verifier of four teams with 200 pending claims;
// - centres 1…deciders: a centre-wide Quality Nominee each, who decide the pool of fresh pending
//   claims that the "deciding claims" benchmark works through (the pool is added by run.ts);
// - the typical LIV measured for comparison is one of an ordinary centre (see generate.ts).

import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../src/domain/roles.js';

export interface Scale {
  name: 'full' | 'quick';
  centres: number;
  sitesPerCentre: number;
  subjectsPerSite: number;
  accountsPerSite: number;
  claims: number;
  /** Centres whose centre-wide QN decides the pool of the "deciding claims" benchmark. */
  deciderCentres: number;
}

export const SCALES: Record<Scale['name'], Scale> = {
  full: {
    name: 'full',
    centres: 1000,
    sitesPerCentre: 4,
    subjectsPerSite: 8,
    accountsPerSite: 50,
    claims: 1_000_000,
    deciderCentres: 6,
  },
  quick: {
    name: 'quick',
    centres: 50,
    sitesPerCentre: 4,
    subjectsPerSite: 8,
    accountsPerSite: 50,
    claims: 50_000,
    deciderCentres: 3,
  },
};

export const BENCH_PASSWORD = 'Bench-Password-2026';
export const BUSY_CENTRE = 0;
/** The busy LIV leads the first two subjects of the first two sites of the busy centre. */
const BUSY_LIV_PENDING_PER_TEAM = 50;
const BUSY_OTHER_PENDING_PER_TEAM = 11;

export type CentreRow = [id: string, number: string, name: string, qn: string | null];
export type SiteRow = [
  id: string,
  centreId: string,
  number: string,
  name: string,
  qn: string | null,
];
export type AccountRow = [
  id: string,
  centreId: string,
  homeSiteId: string,
  username: string,
  firstName: string,
  lastName: string,
  passwordHash: string,
  mybtecAccess: number,
  examsOfficer: number,
  createdAt: string,
  lastLoginAt: string | null,
  failedLogins: number,
  lockedUntil: string | null,
  termsVersion: string | null,
  termsAcceptedAt: string | null,
];
export type ClaimRow = [
  id: string,
  centreId: string,
  siteId: string,
  subjectId: string,
  claimantId: string,
  role: Role,
  status: string,
  approvers: string,
  createdAt: string,
  decidedAt: string | null,
  decidedById: string | null,
  decidedByName: string | null,
  reason: string | null,
];

export const CENTRE_COLUMNS = ['id', 'number', 'name', 'quality_nominee_id'] as const;
export const SITE_COLUMNS = ['id', 'centre_id', 'number', 'name', 'quality_nominee_id'] as const;
export const ACCOUNT_COLUMNS = [
  'id',
  'centre_id',
  'home_site_id',
  'username',
  'first_name',
  'last_name',
  'password_hash',
  'mybtec_access',
  'exams_officer',
  'created_at',
  'last_login_at',
  'failed_logins',
  'locked_until',
  'terms_version',
  'terms_accepted_at',
] as const;
export const CLAIM_COLUMNS = [
  'id',
  'centre_id',
  'site_id',
  'subject_id',
  'claimant_id',
  'role',
  'status',
  'approvers',
  'created_at',
  'decided_at',
  'decided_by_id',
  'decided_by_name',
  'reason',
] as const;

export interface CentreBatch {
  index: number;
  centres: CentreRow[];
  sites: SiteRow[];
  accounts: AccountRow[];
  claims: ClaimRow[];
}

/** Who the runner logs in as, written next to the database by the generator. */
export interface PopulationMeta {
  scale: Scale;
  password: string;
  counts: {
    centres: number;
    sites: number;
    accounts: number;
    claims: number;
    byStatus: Record<string, number>;
    byRole: Record<string, number>;
  };
  busyQn: { username: string; pending: number };
  busyLiv: { username: string; pending: number };
  typicalLiv: { username: string; pending: number };
  /** Ordinary staff (access ticked, terms accepted, a few roles) for /me, the claim page and log-in. */
  staff: string[];
  deciders: { centreId: string; username: string }[];
}

// prettier-ignore
const FIRST = [
  'Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Leo', 'Freya',
  'Oscar', 'Lily', 'Harry', 'Florence', 'Jack', 'Grace', 'Charlie', 'Ella', 'Thomas', 'Rosie',
  'Henry', 'Evie', 'Alfie', 'Poppy', 'Jacob', 'Sophia', 'Theo', 'Isabella', 'William', 'Priya',
  'Mohammed', 'Aisha', 'Ravi', 'Zara', 'Kwame', 'Chloe', 'Daniel', 'Hannah', 'Samuel', 'Megan',
  'Joseph', 'Ruby', 'Ethan', 'Lucy', 'Adam', 'Niamh', 'Owen', 'Erin', 'Callum',
];
// prettier-ignore
const LAST = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel',
  'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall',
  'Thomas', 'Clarke', 'Jackson', 'Wood', 'Harris', 'Edwards', 'Turner', 'Martin', 'Cooper', 'Hill',
  'Ward', 'Hughes', 'Moore', 'Clark', 'King', 'Harrison', 'Lewis', 'Baker', 'Lee', 'Allen',
  'Morris', 'Khan', 'Scott', 'Watson', 'Davis', 'Parker', 'James', 'Bennett', 'Young', 'Phillips',
  'Richardson', 'Mitchell',
];
const SITE_NAMES = ['Main site', 'North campus', 'South campus', 'East campus', 'West campus'];

/** mulberry32: small, fast, good enough to spread a population. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LIV: Role = 'lead_internal_verifier';
const RANK: Record<Role, number> = {
  lead_internal_verifier: 5,
  course_leader: 4,
  internal_verifier: 3,
  assessor: 2,
  teacher: 1,
};
const byRank = (rank: number): Role => ROLES.find((r) => RANK[r] === rank) ?? 'teacher';

const START = Date.parse('2024-09-02T08:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function centreNumber(index: number): string {
  return String(10000 + index);
}

interface Person {
  id: string;
  name: string;
}

/** Usernames are deterministic so the runner can find people in a database it did not fill. */
export function usernameOf(centre: number, site: number, n: number): string {
  return `staff${n}.s${site}@c${centreNumber(centre)}.bench.test`;
}
export const busyQnUsername = `busy.qn@c${centreNumber(BUSY_CENTRE)}.bench.test`;
export const busyLivUsername = `busy.liv@c${centreNumber(BUSY_CENTRE)}.bench.test`;
export const deciderUsername = (centre: number) => `decider.qn@c${centreNumber(centre)}.bench.test`;

/**
 * Splits `total` claims over the sites: the busy centre takes what it needs, every other site an
 * equal share (the first few one more), so the population holds exactly `scale.claims`.
 */
function budgets(scale: Scale, busyClaims: number): (centre: number, site: number) => number {
  const ordinarySites = (scale.centres - 1) * scale.sitesPerCentre;
  const rest = scale.claims - busyClaims;
  const base = Math.floor(rest / ordinarySites);
  const extra = rest - base * ordinarySites;
  return (centre, site) => {
    const ordinal = (centre - 1) * scale.sitesPerCentre + site;
    return base + (ordinal < extra ? 1 : 0);
  };
}

/** The claims of the busy centre, as generated (for the budget of the others). */
function busyCentreClaimCount(scale: Scale): number {
  const teams = scale.sitesPerCentre * scale.subjectsPerSite;
  const livTeams = 4;
  const approvedMembers = { liv: 10, other: 8 };
  return (
    livTeams * (1 + BUSY_LIV_PENDING_PER_TEAM + approvedMembers.liv) +
    (teams - livTeams) * (1 + BUSY_OTHER_PENDING_PER_TEAM + approvedMembers.other)
  );
}

export interface PopulationPlan {
  scale: Scale;
  subjects: { id: string; name: string }[];
  passwordHash: string;
  termsVersion: string;
}

/** Every centre of the population in order, with its sites, accounts and claims. */
export function* centres(plan: PopulationPlan): Generator<CentreBatch> {
  const { scale } = plan;
  const budget = budgets(scale, busyCentreClaimCount(scale));
  for (let c = 0; c < scale.centres; c += 1) yield centre(plan, c, budget);
}

function centre(
  plan: PopulationPlan,
  c: number,
  budget: (centre: number, site: number) => number,
): CentreBatch {
  const { scale, subjects } = plan;
  const random = rng(c * 7919 + 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const centreId = randomUUID();
  const busy = c === BUSY_CENTRE;
  const decider = c >= 1 && c <= scale.deciderCentres;
  // One centre in five records its Quality Nominee for the whole centre; the special ones all do.
  const centreWideQn = busy || decider || c % 5 === 0;

  const sites: SiteRow[] = [];
  const accounts: AccountRow[] = [];
  const people: Person[][] = [];
  const siteSubjects: string[][] = [];
  for (let s = 0; s < scale.sitesPerCentre; s += 1) {
    const siteId = randomUUID();
    const ordinal = c * scale.sitesPerCentre + s;
    sites.push([
      siteId,
      centreId,
      String(100000 + ordinal),
      SITE_NAMES[s % SITE_NAMES.length] ?? 'Site',
      null,
    ]);
    const offset = (ordinal * 5) % subjects.length;
    siteSubjects.push(
      Array.from(
        { length: scale.subjectsPerSite },
        (_, k) => subjects[(offset + k) % subjects.length]?.id ?? '',
      ),
    );
    const here: Person[] = [];
    for (let n = 0; n < scale.accountsPerSite; n += 1) {
      const first = pick(FIRST);
      const last = pick(LAST);
      let username = usernameOf(c, s, n);
      if (s === 0 && n === 1 && busy) username = busyQnUsername;
      else if (s === 0 && n === 2 && busy) username = busyLivUsername;
      else if (s === 0 && n === 1 && decider) username = deciderUsername(c);
      const id = randomUUID();
      const created = START - Math.floor(random() * 700) * DAY;
      // A few have not been given myBTEC access or have not accepted the terms yet; the people
      // the benchmark signs in as (n < 30) always have.
      const access = n < 30 || random() > 0.03 ? 1 : 0;
      const terms = n < 30 || random() > 0.05;
      accounts.push([
        id,
        centreId,
        siteId,
        username,
        first,
        last,
        plan.passwordHash,
        access,
        s === 0 && n === 0 ? 1 : 0,
        iso(created),
        random() > 0.2 ? iso(START + Math.floor(random() * 300) * DAY) : null,
        0,
        null,
        terms ? plan.termsVersion : null,
        terms ? iso(created + DAY) : null,
      ]);
      here.push({ id, name: `${first} ${last}` });
    }
    people.push(here);
  }

  // Quality Nominees: account 1 of site 0 for the whole centre, or account 1 of each site.
  const qnOfSite: Person[] = [];
  let centreQn: string | null = null;
  for (let s = 0; s < scale.sitesPerCentre; s += 1) {
    if (centreWideQn) {
      const qn = people[0]?.[1] as Person;
      centreQn = qn.id;
      qnOfSite.push(qn);
    } else {
      const qn = people[s]?.[1] as Person;
      (sites[s] as SiteRow)[4] = qn.id;
      qnOfSite.push(qn);
    }
  }
  const centres: CentreRow[] = [
    [centreId, centreNumber(c), `Bench College ${c}`, centreWideQn ? centreQn : null],
  ];

  const claims: ClaimRow[] = [];
  const writer = claimWriter(claims, random, centreId);
  if (busy) busyCentreClaims(scale, people, sites, siteSubjects, qnOfSite, writer);
  else {
    for (let s = 0; s < scale.sitesPerCentre; s += 1) {
      ordinarySiteClaims(
        budget(c, s),
        (sites[s] as SiteRow)[0],
        siteSubjects[s] ?? [],
        (people[s] ?? []).filter((p) => p.id !== qnOfSite[s]?.id),
        qnOfSite[s] as Person,
        random,
        writer,
      );
    }
  }
  return { index: c, centres, sites, accounts, claims };
}

interface ClaimSpec {
  siteId: string;
  subjectId: string;
  claimant: Person;
  role: Role;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'revoked' | 'superseded';
  approvers: Person[];
  /** Days after the start of the data; decisions come a few days later. */
  day: number;
}

type ClaimWriter = (spec: ClaimSpec) => void;

function claimWriter(claims: ClaimRow[], random: () => number, centreId: string): ClaimWriter {
  return (spec) => {
    const created = START + spec.day * DAY + Math.floor(random() * 8 * 3600_000);
    const decided = created + (1 + Math.floor(random() * 6)) * DAY;
    const approverJson = JSON.stringify(spec.approvers.map((p) => ({ id: p.id, name: p.name })));
    const decider: Person | null =
      spec.status === 'pending'
        ? null
        : spec.status === 'withdrawn'
          ? spec.claimant
          : (spec.approvers[0] ?? null);
    const reason =
      spec.status === 'rejected'
        ? 'Please claim the role you carry out this year'
        : spec.status === 'revoked'
          ? 'No longer teaching in this subject'
          : null;
    claims.push([
      randomUUID(),
      centreId,
      spec.siteId,
      spec.subjectId,
      spec.claimant.id,
      spec.role,
      spec.status,
      approverJson,
      iso(created),
      spec.status === 'pending' ? null : iso(decided),
      decider?.id ?? null,
      decider?.name ?? null,
      reason,
    ]);
  };
}

function memberRole(random: () => number): Role {
  const x = random();
  if (x < 0.06) return 'course_leader';
  if (x < 0.2) return 'internal_verifier';
  if (x < 0.6) return 'assessor';
  return 'teacher';
}

/**
 * One person's claims in one team, oldest first, the current one last: sometimes an earlier claim
 * superseded or rejected, then the current one, and now and then a pending claim for a higher role
 * on top of an approved one. At most one pending and one approved, as the database insists.
 */
function membership(
  random: () => number,
  base: Omit<ClaimSpec, 'status' | 'day' | 'role'>,
  role: Role,
  current: ClaimSpec['status'],
): ClaimSpec[] {
  const list: ClaimSpec[] = [];
  const day = 30 + Math.floor(random() * 500);
  if (RANK[role] > 1 && random() < 0.35) {
    list.push({ ...base, role: byRank(RANK[role] - 1), status: 'superseded', day: day - 120 });
  }
  if (random() < 0.08) {
    list.push({
      ...base,
      role: byRank(Math.min(5, RANK[role] + 1)),
      status: 'rejected',
      day: day - 30,
    });
  }
  list.push({ ...base, role, status: current, day });
  if (current === 'approved' && RANK[role] < 4 && random() < 0.05) {
    list.push({ ...base, role: byRank(RANK[role] + 1), status: 'pending', day: day + 60 });
  }
  return list;
}

function memberStatus(random: () => number): ClaimSpec['status'] {
  const x = random();
  if (x < 0.84) return 'approved';
  if (x < 0.9) return 'pending';
  if (x < 0.95) return 'rejected';
  if (x < 0.98) return 'withdrawn';
  return 'revoked';
}

/** An ordinary site: per team an LIV (most of the time), then members until the site's budget is spent. */
function ordinarySiteClaims(
  budget: number,
  siteId: string,
  subjectIds: string[],
  eligible: Person[],
  qn: Person,
  random: () => number,
  write: ClaimWriter,
): void {
  let left = budget;
  const livOf = new Map<string, Person | null>();
  const emit = (specs: ClaimSpec[]) => {
    const kept = specs.length > left ? specs.slice(specs.length - left) : specs;
    for (const spec of kept) write(spec);
    left -= kept.length;
  };
  for (let m = 0; m < eligible.length && left > 0; m += 1) {
    for (let t = 0; t < subjectIds.length && left > 0; t += 1) {
      const subjectId = subjectIds[t] as string;
      const claimant = eligible[(t * 7 + m) % eligible.length] as Person;
      const base = { siteId, subjectId, claimant };
      if (m === 0) {
        const x = random();
        if (x < 0.9) {
          livOf.set(subjectId, claimant);
          emit(membership(random, { ...base, approvers: [qn] }, LIV, 'approved'));
        } else {
          livOf.set(subjectId, null);
          if (x < 0.95)
            emit([{ ...base, approvers: [qn], role: LIV, status: 'pending', day: 400 }]);
        }
        continue;
      }
      const liv = livOf.get(subjectId);
      emit(
        membership(
          random,
          { ...base, approvers: [liv ?? qn] },
          memberRole(random),
          memberStatus(random),
        ),
      );
    }
  }
}

/**
 * The busy centre: its centre-wide QN (account 1 of site 0) can decide every pending claim of the
 * centre (~500); its busy LIV (account 2 of site 0) leads the first two subjects of sites 0 and 1
 * with 50 pending claims in each (200). Claimants come from the whole centre.
 */
function busyCentreClaims(
  scale: Scale,
  people: Person[][],
  sites: SiteRow[],
  siteSubjects: string[][],
  qnOfSite: Person[],
  write: ClaimWriter,
): void {
  const qn = qnOfSite[0] as Person;
  const busyLiv = people[0]?.[2] as Person;
  const everyone = people.flat().filter((p) => p.id !== qn.id && p.id !== busyLiv.id);
  let cursor = 0;
  const next = () => everyone[cursor++ % everyone.length] as Person;
  for (let s = 0; s < scale.sitesPerCentre; s += 1) {
    const siteId = (sites[s] as SiteRow)[0];
    for (let t = 0; t < scale.subjectsPerSite; t += 1) {
      const subjectId = siteSubjects[s]?.[t] as string;
      const ledByBusy = s < 2 && t < 2;
      const liv = ledByBusy ? busyLiv : next();
      write({
        siteId,
        subjectId,
        claimant: liv,
        role: LIV,
        status: 'approved',
        approvers: [qn],
        day: 10,
      });
      const pending = ledByBusy ? BUSY_LIV_PENDING_PER_TEAM : BUSY_OTHER_PENDING_PER_TEAM;
      const approved = ledByBusy ? 10 : 8;
      // Distinct claimants within the team, none of them its LIV.
      const members: Person[] = [];
      while (members.length < pending + approved) {
        const p = next();
        if (p.id !== liv.id && !members.some((q) => q.id === p.id)) members.push(p);
      }
      members.forEach((claimant, i) => {
        const role: Role = i % 4 === 0 ? 'assessor' : i % 7 === 0 ? 'internal_verifier' : 'teacher';
        write({
          siteId,
          subjectId,
          claimant,
          role,
          status: i < pending ? 'pending' : 'approved',
          approvers: [liv],
          day: i < pending ? 600 + (i % 30) : 20 + i,
        });
      });
    }
  }
}
