// The fresh pending claims that the "deciding claims" benchmark works through: claims in the
// decider centres (each with a centre-wide Quality Nominee who may decide all of them), written
// straight into the database before the server starts. Every request decides the next one, so no
// request finds its claim already decided. On a reused database the pool is topped up.

import { randomUUID } from 'node:crypto';
import type { BulkWriter } from '../generate.js';
import type { ClaimRow, PopulationMeta } from '../population.js';

export interface PoolClaim {
  id: string;
  /** Index into meta.deciders: whose session decides it. */
  decider: number;
}

const ROLES = ['teacher', 'assessor', 'internal_verifier', 'course_leader'] as const;

export async function preparePool(
  writer: BulkWriter,
  meta: PopulationMeta,
  size: number,
): Promise<PoolClaim[]> {
  const deciderIndex = new Map(meta.deciders.map((d, i) => [d.centreId, i]));
  const centreIds = meta.deciders.map((d) => d.centreId);
  const list = centreIds.map((_, i) => `$${i + 1}`).join(',');
  const qns = await writer.query<{ id: string; name: string; centre_id: string }>(
    `select a.id, a.first_name || ' ' || a.last_name as name, a.centre_id from accounts a
       join centres c on c.quality_nominee_id = a.id where c.id in (${list})`,
    centreIds,
  );
  const qnOf = new Map(qns.map((q) => [q.centre_id, q]));
  const existing = await writer.query<{ id: string; centre_id: string }>(
    `select id, centre_id from claims where centre_id in (${list}) and status = 'pending'`,
    centreIds,
  );
  const pool: PoolClaim[] = existing.map((c) => ({
    id: c.id,
    decider: deciderIndex.get(c.centre_id) ?? 0,
  }));
  if (pool.length < size) {
    const taken = new Set(
      (
        await writer.query<{ k: string }>(
          `select claimant_id || '|' || site_id || '|' || subject_id as k from claims
             where centre_id in (${list}) and status = 'pending'`,
          centreIds,
        )
      ).map((r) => r.k),
    );
    const accounts = await writer.query<{ id: string; centre_id: string }>(
      `select id, centre_id from accounts where centre_id in (${list}) order by id`,
      centreIds,
    );
    const sites = await writer.query<{ id: string; centre_id: string }>(
      `select id, centre_id from sites where centre_id in (${list}) order by number`,
      centreIds,
    );
    const subjects = await writer.query<{ id: string }>(
      `select id from subjects order by sort_order`,
    );
    const sitesOf = new Map<string, string[]>();
    for (const s of sites) sitesOf.set(s.centre_id, [...(sitesOf.get(s.centre_id) ?? []), s.id]);
    const now = Date.now();
    const rows: ClaimRow[] = [];
    // Round-robin over subjects, sites and people so the pool spreads over every team.
    outer: for (const subject of subjects) {
      for (let s = 0; s < meta.scale.sitesPerCentre; s += 1) {
        for (const account of accounts) {
          if (pool.length + rows.length >= size) break outer;
          const qn = qnOf.get(account.centre_id);
          const siteId = sitesOf.get(account.centre_id)?.[s];
          if (!qn || !siteId || qn.id === account.id) continue;
          const key = `${account.id}|${siteId}|${subject.id}`;
          if (taken.has(key)) continue;
          taken.add(key);
          rows.push([
            randomUUID(),
            account.centre_id,
            siteId,
            subject.id,
            account.id,
            ROLES[rows.length % ROLES.length] as ClaimRow[5],
            'pending',
            JSON.stringify([{ id: qn.id, name: qn.name }]),
            new Date(now - rows.length).toISOString(),
            null,
            null,
            null,
            null,
          ]);
        }
      }
    }
    await writer.begin();
    await writer.insert('claims', rows);
    await writer.commit();
    for (const row of rows) pool.push({ id: row[0], decider: deciderIndex.get(row[1]) ?? 0 });
  }
  // Interleave the deciders so that consecutive requests come from different people.
  const shuffled = pool.slice(0, size);
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as PoolClaim, shuffled[i] as PoolClaim];
  }
  return shuffled;
}
