import type { Kysely } from 'kysely';

/* Assignment briefs: every version kept, and every internal verification record. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('briefs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id'))
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('iv_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('briefs_course')
    .on('briefs')
    .columns(['course_id', 'status'])
    .execute();
  await db.schema.createIndex('briefs_iv').on('briefs').columns(['iv_id', 'status']).execute();
  await db.schema
    .createIndex('briefs_author')
    .on('briefs')
    .columns(['author_id', 'status'])
    .execute();

  await db.schema
    .createTable('brief_versions')
    .addColumn('brief_id', 'text', (c) => c.notNull().references('briefs.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull()) // JSON: aims, criteria, scenario, tasks, evidence, sources, dates, assessor
    .addColumn('created_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('brief_versions_pk', ['brief_id', 'version'])
    .execute();

  await db.schema
    .createTable('brief_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brief_id', 'text', (c) => c.notNull().references('briefs.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('verifier_id', 'text', (c) => c.notNull())
    .addColumn('verifier_name', 'text', (c) => c.notNull())
    .addColumn('approved', 'integer', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull()) // JSON: checklist answers and comments, feedback, action, target date
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('brief_verifications_brief')
    .on('brief_verifications')
    .columns(['brief_id', 'at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['brief_verifications', 'brief_versions', 'briefs'])
    await db.schema.dropTable(table).execute();
}
