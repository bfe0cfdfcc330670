// Permission decisions per second, in process, on the same grants three ways:
//   1. myBTEC's decide() on the per-request actor index (src/domain/permissions.ts);
//   2. node-casbin's enforceSync, RBAC with domains (a domain is a site+subject team);
//   3. a plain Map from "account|site:subject" to rank: the floor of what any check can cost.
//
// The grants are the approved and pending claims of the first `centres` centres of the benchmark
// database (a Quality Nominee holds the top rank in every subject of their sites: in casbin that is
// one grouping rule per subject of each such site). The questions are the subject-scoped actions
// (create a course, create a brief, view the subject's audit log, set Course Leaders), asked for a
// random person about one of their own teams (60 %) or another team of their centre (40 %). All
// three must agree on every answer; the benchmark says how many they did not.

import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import { buildActor, type Actor, type ActorRoleGrant } from '../src/domain/actor.js';
import { decide, PERMISSIONS, type Action, type Target } from '../src/domain/permissions.js';
import { ROLES, rankOf, type Role } from '../src/domain/roles.js';
import type { BulkWriter } from './generate.js';

const ACTIONS: Action[] = [
  'course.create',
  'brief.create',
  'audit.viewSubject',
  'course.setLeaders',
];

export const CASBIN_MODEL = `
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, dom, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && r.act == p.act
`;

export interface DecisionFigures {
  centres: number;
  grants: number;
  casbinRules: { policies: number; groupings: number; loadSeconds: number };
  questions: number;
  perSecond: { decide: number; casbin: number; map: number };
  decideVsCasbin: number;
  decideVsMap: number;
  allowedShare: number;
  disagreements: { casbin: number; map: number };
}

interface Question {
  actor: Actor;
  target: Target;
  action: Action;
  team: string;
}

/** mulberry32, seeded: the same questions every run. */
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

/** Runs `fn` over the questions again and again for about `seconds`; decisions per second. */
function rate(
  questions: readonly Question[],
  seconds: number,
  fn: (q: Question) => boolean,
): number {
  // Warm-up, so the optimising compiler has seen the code.
  for (let i = 0; i < Math.min(questions.length, 20_000); i += 1) fn(questions[i] as Question);
  let done = 0;
  let sink = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < questions.length; i += 1) {
      if (fn(questions[i] as Question)) sink += 1;
      done += 1;
      if ((i & 1023) === 0 && performance.now() >= deadline) break;
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return Math.round(done / elapsed);
}

export async function decisionBenchmark(
  writer: BulkWriter,
  options: { centres: number; seconds: number; questions: number },
  log: (line: string) => void,
): Promise<DecisionFigures> {
  const lastCentre = String(10000 + options.centres - 1);
  const grants = await writer.query<{
    claimant_id: string;
    centre_id: string;
    site_id: string;
    subject_id: string;
    role: Role;
    status: 'approved' | 'pending';
  }>(
    `select k.claimant_id, k.centre_id, k.site_id, k.subject_id, k.role, k.status
       from claims k join centres c on c.id = k.centre_id
      where c.number <= $1 and k.status in ('approved', 'pending')`,
    [lastCentre],
  );
  const qnSites = await writer.query<{ account_id: string; site_id: string; centre_id: string }>(
    `select coalesce(s.quality_nominee_id, c.quality_nominee_id) as account_id, s.id as site_id,
            c.id as centre_id
       from sites s join centres c on c.id = s.centre_id
      where c.number <= $1 and coalesce(s.quality_nominee_id, c.quality_nominee_id) is not null`,
    [lastCentre],
  );
  const subjects = await writer.query<{ id: string; name: string }>(
    'select id, name from subjects order by sort_order',
  );
  const subjectName = new Map(subjects.map((s) => [s.id, s.name]));

  // The per-request actor index of each person, as the guard builds it.
  const people = new Map<string, { centreId: string; grants: ActorRoleGrant[]; qn: string[] }>();
  const person = (id: string, centreId: string) => {
    let p = people.get(id);
    if (!p) people.set(id, (p = { centreId, grants: [], qn: [] }));
    return p;
  };
  for (const g of grants) {
    person(g.claimant_id, g.centre_id).grants.push({
      siteId: g.site_id,
      subjectId: g.subject_id,
      role: g.role,
      status: g.status,
    });
  }
  for (const q of qnSites) person(q.account_id, q.centre_id).qn.push(q.site_id);
  const actors = new Map<string, Actor>();
  for (const [id, p] of people) {
    actors.set(
      id,
      buildActor({
        accountId: id,
        name: id,
        centreId: p.centreId,
        qnSiteIds: p.qn,
        grants: p.grants,
      }),
    );
  }

  // The teams of each centre, to ask about teams the person is not in.
  const teamsOf = new Map<string, { siteId: string; subjectId: string }[]>();
  const seenTeam = new Set<string>();
  for (const g of grants) {
    const key = `${g.site_id}:${g.subject_id}`;
    if (seenTeam.has(key)) continue;
    seenTeam.add(key);
    teamsOf.set(g.centre_id, [
      ...(teamsOf.get(g.centre_id) ?? []),
      { siteId: g.site_id, subjectId: g.subject_id },
    ]);
  }

  const random = rng(42);
  const ids = [...people.keys()];
  const questions: Question[] = [];
  for (let i = 0; i < options.questions; i += 1) {
    const id = ids[Math.floor(random() * ids.length)] as string;
    const p = people.get(id)!;
    const own = p.grants.length > 0 && random() < 0.6;
    const team = own
      ? p.grants[Math.floor(random() * p.grants.length)]!
      : (() => {
          const list = teamsOf.get(p.centreId) ?? [];
          return list[Math.floor(random() * list.length)]!;
        })();
    questions.push({
      actor: actors.get(id)!,
      action: ACTIONS[Math.floor(random() * ACTIONS.length)]!,
      team: `${team.siteId}:${team.subjectId}`,
      target: {
        centreId: p.centreId,
        siteId: team.siteId,
        subjectId: team.subjectId,
        subjectName: subjectName.get(team.subjectId) ?? '',
      },
    });
  }

  // node-casbin: p(role-state, *, action) for every role whose rank suffices; g(person, role-state, team).
  const policies: string[][] = [];
  for (const action of ACTIONS) {
    const permission = PERMISSIONS[action];
    for (const role of ROLES) {
      if (rankOf(role) < permission.minRank) continue;
      policies.push([`approved:${role}`, '*', action]);
      if (permission.needs === 'claimed') policies.push([`pending:${role}`, '*', action]);
    }
  }
  const groupings: string[][] = grants.map((g) => [
    g.claimant_id,
    `${g.status}:${g.role}`,
    `${g.site_id}:${g.subject_id}`,
  ]);
  for (const q of qnSites) {
    for (const s of subjects) {
      groupings.push([q.account_id, 'approved:lead_internal_verifier', `${q.site_id}:${s.id}`]);
    }
  }
  const loadStarted = performance.now();
  const enforcer: Enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL));
  await enforcer.addPolicies(policies);
  await enforcer.addGroupingPolicies(groupings);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  log(
    `  casbin: ${policies.length} policies, ${groupings.length.toLocaleString('en-GB')} grouping rules loaded in ${loadSeconds.toFixed(1)} s`,
  );

  // The plain Map: per person, rank by team ("site:subject") and the set of QN sites.
  const index = new Map<
    string,
    { approved: Map<string, number>; pending: Map<string, number>; qn: Set<string> }
  >();
  const entry = (id: string) => {
    let e = index.get(id);
    if (!e) index.set(id, (e = { approved: new Map(), pending: new Map(), qn: new Set() }));
    return e;
  };
  for (const g of grants) {
    const e = entry(g.claimant_id);
    const map = g.status === 'approved' ? e.approved : e.pending;
    const key = `${g.site_id}:${g.subject_id}`;
    map.set(key, Math.max(map.get(key) ?? 0, rankOf(g.role)));
  }
  for (const q of qnSites) entry(q.account_id).qn.add(q.site_id);
  const viaMap = (q: Question): boolean => {
    const permission = PERMISSIONS[q.action];
    const e = index.get(q.actor.accountId);
    if (!e) return false;
    const approved = e.qn.has(q.target.siteId) ? 5 : (e.approved.get(q.team) ?? 0);
    if (approved >= permission.minRank) return true;
    if (permission.needs !== 'claimed') return false;
    return (e.pending.get(q.team) ?? 0) >= permission.minRank;
  };
  const viaDecide = (q: Question): boolean => decide(q.actor, q.action, q.target).allowed;
  const viaCasbin = (q: Question): boolean =>
    enforcer.enforceSync(q.actor.accountId, q.team, q.action);

  let allowed = 0;
  const disagreements = { casbin: 0, map: 0 };
  for (const q of questions) {
    const answer = viaDecide(q);
    if (answer) allowed += 1;
    if (viaCasbin(q) !== answer) disagreements.casbin += 1;
    if (viaMap(q) !== answer) disagreements.map += 1;
  }

  const perSecond = {
    decide: rate(questions, options.seconds, viaDecide),
    casbin: rate(questions, options.seconds, viaCasbin),
    map: rate(questions, options.seconds, viaMap),
  };
  return {
    centres: options.centres,
    grants: grants.length,
    casbinRules: { policies: policies.length, groupings: groupings.length, loadSeconds },
    questions: questions.length,
    perSecond,
    decideVsCasbin: perSecond.decide / perSecond.casbin,
    decideVsMap: perSecond.decide / perSecond.map,
    allowedShare: allowed / questions.length,
    disagreements,
  };
}
