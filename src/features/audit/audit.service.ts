import type { Db } from '../../db/connection.js';
import type { Actor } from '../../domain/actor.js';
import { decide } from '../../domain/permissions.js';
import { Forbidden, InvalidInput } from '../../errors.js';
import { listSites } from '../organisation/organisation.repository.js';
import { listAuditInScope, type AuditEvent } from './audit.repository.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `2026-12-03` (a whole day, UK calendar dates are close enough to UTC here) or a full ISO time. */
function parseBound(value: string | undefined, field: 'from' | 'to'): string | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(DAY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidInput({ [field]: 'Enter a date like 2026-12-03' });
  // "to" a calendar date includes that whole day.
  if (field === 'to' && DAY.test(value)) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

export type AuditService = ReturnType<typeof createAuditService>;

/** The audit log as each approver may read it: a Quality Nominee their sites, an LIV their subject. */
export function createAuditService(deps: { db: Db }) {
  const { db } = deps;

  async function list(actor: Actor, query: { from?: string; to?: string }): Promise<AuditEvent[]> {
    const from = parseBound(query.from, 'from');
    const to = parseBound(query.to, 'to');
    const sites = await listSites(db, actor.centreId);
    const siteIds = sites
      .filter(
        (site) =>
          decide(actor, 'audit.viewSite', {
            centreId: actor.centreId,
            siteId: site.id,
            subjectId: '',
            subjectName: '',
          }).allowed,
      )
      .map((site) => site.id);
    const teams = [...actor.approved.keys()]
      .map((key) => {
        const [siteId = '', subjectId = ''] = key.split(':');
        return { siteId, subjectId };
      })
      .filter(
        (team) =>
          !siteIds.includes(team.siteId) &&
          decide(actor, 'audit.viewSubject', { centreId: actor.centreId, ...team, subjectName: '' })
            .allowed,
      );
    if (siteIds.length === 0 && teams.length === 0) {
      throw new Forbidden(
        'Only a Quality Nominee or a Lead Internal Verifier can read the audit log.',
      );
    }
    return listAuditInScope(db, {
      centreId: actor.centreId,
      siteIds,
      teams,
      from,
      to,
      limit: 1000,
    });
  }

  return { list };
}
