import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';

export type FeedbackService = ReturnType<typeof createFeedbackService>;

export function createFeedbackService(deps: { db: Db; clock: Clock }) {
  return { deps };
}
