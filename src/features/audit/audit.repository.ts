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

export async function listAuditForCentre(
  db: DbOrTx,
  filter: {
    centreId: string;
    siteIds?: readonly string[];
    from?: string;
    to?: string;
    limit?: number;
  },
): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll().where('centre_id', '=', filter.centreId);
  if (filter.siteIds) {
    if (filter.siteIds.length === 0) return [];
    query = query.where('site_id', 'in', filter.siteIds);
  }
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<=', filter.to);
  const rows = await query
    .orderBy('at', 'desc')
    .limit(filter.limit ?? 500)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor_id ? { id: row.actor_id, name: row.actor_name ?? '' } : null,
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    details: JSON.parse(row.details) as Record<string, unknown>,
  }));
}
