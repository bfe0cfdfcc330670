import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('claims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id'))
    .addColumn('claimant_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // Who was asked when the claim was made (JSON list of {id, name}); who may decide is worked out later.
    .addColumn('approvers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by_id', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('reason', 'text')
    .execute();
  // At most one pending and one approved claim per person per site+subject, whatever races happen.
  await db.schema
    .createIndex('claims_one_pending')
    .on('claims')
    .columns(['claimant_id', 'site_id', 'subject_id'])
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('claims_one_approved')
    .on('claims')
    .columns(['claimant_id', 'site_id', 'subject_id'])
    .unique()
    .where(sql.ref('status'), '=', 'approved')
    .execute();
  await db.schema
    .createIndex('claims_team_status')
    .on('claims')
    .columns(['site_id', 'subject_id', 'status', 'role'])
    .execute();
  await db.schema
    .createIndex('claims_site_status')
    .on('claims')
    .columns(['site_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('claims_claimant')
    .on('claims')
    .columns(['claimant_id', 'status'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('claims').execute();
}
