import type { DbOrTx } from '../../db/connection.js';
import { newId } from '../../lib/ids.js';

export interface AuditEntry {
  at: Date;
  actor: { id: string; name: string } | null;
  action: string;
  target: { type: string; id: string | null };
  centreId?: string | null;
  siteId?: string | null;
  subjectId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Append-only: there is no update or delete here, and the database refuses both. */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId(),
      at: entry.at.toISOString(),
      actor_id: entry.actor?.id ?? null,
      actor_name: entry.actor?.name ?? null,
      action: entry.action,
      target_type: entry.target.type,
      target_id: entry.target.id,
      centre_id: entry.centreId ?? null,
      site_id: entry.siteId ?? null,
      subject_id: entry.subjectId ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: { id: string; name: string } | null;
  action: string;
  target: { type: string; id: string | null };
  details: Record<string, unknown>;
}

/** Audit events of a centre at the given sites, or in the given subject teams, newest first. */
export async function listAuditInScope(
  db: DbOrTx,
  filter: {
    centreId: string;
    siteIds: readonly string[];
    teams: readonly { siteId: string; subjectId: string }[];
    from?: string;
    to?: string;
    limit: number;
  },
): Promise<AuditEvent[]> {
  if (filter.siteIds.length === 0 && filter.teams.length === 0) return [];
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .where('centre_id', '=', filter.centreId)
    .where((eb) =>
      eb.or([
        ...(filter.siteIds.length > 0 ? [eb('site_id', 'in', filter.siteIds)] : []),
        ...filter.teams.map((team) =>
          eb.and([eb('site_id', '=', team.siteId), eb('subject_id', '=', team.subjectId)]),
        ),
      ]),
    );
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  const rows = await query.orderBy('at', 'desc').limit(filter.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor_id ? { id: row.actor_id, name: row.actor_name ?? '' } : null,
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    details: JSON.parse(row.details) as Record<string, unknown>,
  }));
}

/** An event about something of a subject team (a claim, course or brief), by the signed-in actor. */
export function recordTeamAudit(
  db: DbOrTx,
  event: {
    at: Date;
    actor: { accountId: string; name: string; centreId: string };
    action: string;
    target: { type: string; id: string; siteId: string; subjectId: string };
    ip: string;
    details: Record<string, unknown>;
  },
): Promise<void> {
  return recordAudit(db, {
    at: event.at,
    actor: { id: event.actor.accountId, name: event.actor.name },
    action: event.action,
    target: { type: event.target.type, id: event.target.id },
    centreId: event.actor.centreId,
    siteId: event.target.siteId,
    subjectId: event.target.subjectId,
    ip: event.ip,
    details: event.details,
  });
}
