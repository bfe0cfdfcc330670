import type { Kysely } from 'kysely';

/* Courses built from a qualification, their chosen units, leaders and team members. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('courses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id'))
    .addColumn('qualification_id', 'text', (c) => c.notNull().references('qualifications.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('academic_year', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('cloned_from_id', 'text')
    .execute();
  await db.schema
    .createIndex('courses_team')
    .on('courses')
    .columns(['site_id', 'subject_id', 'status'])
    .execute();
  await db.schema
    .createIndex('courses_centre')
    .on('courses')
    .columns(['centre_id', 'academic_year'])
    .execute();

  await db.schema
    .createTable('course_units')
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addPrimaryKeyConstraint('course_units_pk', ['course_id', 'unit_id'])
    .execute();

  // role: 'course_leader' for leaders; 'internal_verifier' | 'assessor' | 'teacher' for team members.
  await db.schema
    .createTable('course_team')
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('course_team_pk', ['course_id', 'account_id'])
    .execute();
  await db.schema
    .createIndex('course_team_account')
    .on('course_team')
    .column('account_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['course_team', 'course_units', 'courses'])
    await db.schema.dropTable(table).execute();
}
