import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadDemoData, demoUsername } from '../../demo/demo-data.js';
import { paths } from '../../paths.js';
import { TERMS_VERSION } from '../accounts/terms.js';
import { loadSampleCatalogue } from '../qualifications/qualification.service.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import { createTestApp, signedIn, type TestApp } from '../../../test/support/test-app.js';

const PASSWORD = 'Demo-Password-7';

/** What a person reads: tags removed, whitespace collapsed. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

forEachDatabase('demo assignment briefs', (kind) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp(kind);
    await loadSampleCatalogue(t.db);
    await loadDemoData(t.db, t.clock, PASSWORD);
    await t.db.updateTable('accounts').set({ terms_version: TERMS_VERSION }).execute();
  });
  afterEach(() => t.close());

  const briefs = () =>
    t.db.selectFrom('briefs').select(['id', 'status', 'version', 'iv_id']).orderBy('id').execute();

  it('has a brief in every state, once however often it is loaded, on the demo Business course', async () => {
    const first = await briefs();
    expect(first).toEqual([
      { id: 'demo-brief-approved', status: 'approved', version: 2, iv_id: 'demo-liv' },
      { id: 'demo-brief-awaiting', status: 'awaiting_verification', version: 1, iv_id: 'demo-iv' },
      { id: 'demo-brief-draft', status: 'draft', version: 1, iv_id: null },
      { id: 'demo-brief-returned', status: 'returned', version: 1, iv_id: 'demo-liv' },
    ]);
    await loadDemoData(t.db, t.clock, PASSWORD);
    expect(await briefs()).toEqual(first);
    const records = await t.db
      .selectFrom('brief_verifications')
      .select(['brief_id', 'version', 'approved'])
      .orderBy('brief_id')
      .orderBy('version')
      .execute();
    expect(records).toEqual([
      { brief_id: 'demo-brief-approved', version: 1, approved: 0 },
      { brief_id: 'demo-brief-approved', version: 2, approved: 1 },
      { brief_id: 'demo-brief-returned', version: 1, approved: 0 },
    ]);
  });

  it('shows Demo Teacher the approved brief of their course, and Demo Assessor their drafts', async () => {
    const teacher = await signedIn(t.app, demoUsername('teacher'), PASSWORD);
    const list = textOf((await teacher.get(paths.assignments)).body);
    expect(list).toContain('Planning a charity business breakfast');
    expect(list).not.toContain('Comparing two local businesses');
    const approved = await teacher.get(paths.briefPages.brief('demo-brief-approved'));
    expect(approved.statusCode).toBe(200);
    expect(textOf(approved.body)).toContain('Version 1: returned by Demo LIV');
    const pdf = await teacher.get(paths.briefPages.pdf('demo-brief-approved'));
    expect(pdf.headers['content-type']).toBe('application/pdf');

    const assessor = await signedIn(t.app, demoUsername('assessor'), PASSWORD);
    const drafts = (await assessor.get(paths.assignments)).body;
    const mine = /<h2[^>]*>My drafts<\/h2>([\s\S]*?)<h2/.exec(drafts)?.[1] ?? '';
    expect(textOf(mine)).toContain('Comparing two local businesses');
    expect(textOf(mine)).toContain('Managing money: personal finance');
  });
});
