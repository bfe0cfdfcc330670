import { createHash, randomBytes } from 'node:crypto';
import { paths } from '../../../src/paths.js';
import {
  freshBrief,
  freshClaim,
  freshCourse,
  freshPerson,
  type World,
} from '../../security/support/world.js';

export type TargetKind =
  | 'draftCourse'
  | 'draftBrief'
  | 'awaitingBrief'
  | 'myPendingClaim'
  | 'pendingClaim'
  | 'approvedClaim'
  | 'account'
  | 'site'
  /** A reset link's token (not an id): usable once, so a reset that works uses it up. */
  | 'resetToken';

/** Targets, made once and made again only once a request has used them up. */
export class Targets {
  private cache = new Map<TargetKind, string>();
  constructor(private readonly w: World) {}

  async get(kind: TargetKind): Promise<string> {
    const known = this.cache.get(kind);
    if (known) return known;
    const id = await this.make(kind);
    this.cache.set(kind, id);
    return id;
  }

  forget(kind: TargetKind | undefined): void {
    if (kind) this.cache.delete(kind);
  }

  private async make(kind: TargetKind): Promise<string> {
    const w = this.w;
    switch (kind) {
      case 'draftCourse':
        return freshCourse(w, 'own');
      case 'draftBrief':
        return freshBrief(w, 'own', 'draft');
      case 'awaitingBrief':
        return freshBrief(w, 'own', 'awaiting_verification');
      case 'myPendingClaim': {
        const response = await w.agents.teacher.api('POST', paths.api.claims, {
          siteId: w.teams.own.siteId,
          subjectId: 'sport',
          role: 'teacher',
        });
        return (response.json() as { claim: { id: string } }).claim.id;
      }
      case 'pendingClaim':
        return (await freshClaim(w, 'own', 'pending')).id;
      case 'approvedClaim':
        return (await freshClaim(w, 'own', 'approved')).id;
      case 'account':
        return (await freshPerson(w, 'own')).id;
      case 'site':
        return w.centreA.siteIds[1] as string;
      case 'resetToken': {
        // Stored as the service stores it (only the hash), for a person of its own.
        const token = randomBytes(32).toString('base64url');
        const person = await freshPerson(w, 'own');
        const now = w.t.clock.now();
        await w.t.db
          .insertInto('password_resets')
          .values({
            token_hash: createHash('sha256').update(token).digest('hex'),
            account_id: person.id,
            purpose: 'reset',
            created_at: now.toISOString(),
            expires_at: new Date(now.getTime() + 60 * 60_000).toISOString(),
            used_at: null,
          })
          .execute();
        return token;
      }
    }
  }
}
