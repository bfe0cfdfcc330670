import type { Kysely } from 'kysely';

/* The fixed catalogue of BTEC subject areas (SPEC §1), as it stood when this migration was written. */
const SUBJECTS = [
  ['business', 'Business'],
  ['applied-science', 'Applied Science'],
  ['application-of-science', 'Application of Science'],
  ['principles-of-applied-science', 'Principles of Applied Science'],
  ['engineering', 'Engineering'],
  ['information-and-creative-technology', 'Information and Creative Technology'],
  ['performing-arts', 'Performing Arts'],
  ['health-and-social-care', 'Health and Social Care'],
  ['sport', 'Sport'],
  ['art-and-design', 'Art and Design'],
  ['construction', 'Construction'],
  ['travel-and-tourism', 'Travel and Tourism'],
  ['childrens-play-learning-and-development', "Children's Play, Learning and Development"],
  ['creative-digital-media-production', 'Creative Digital Media Production'],
  ['music', 'Music'],
  ['public-services', 'Public Services'],
  ['hospitality', 'Hospitality'],
  ['computing', 'Computing'],
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto('subjects')
    .values(SUBJECTS.map(([id, name], index) => ({ id, name, sort_order: index + 1 })))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('subjects').execute();
}
