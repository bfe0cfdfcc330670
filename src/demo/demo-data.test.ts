import { afterEach, beforeEach, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/support/databases.js';
import { Agent, createTestApp, type TestApp } from '../../test/support/test-app.js';
import { demoUsername, loadDemoData } from './demo-data.js';

forEachDatabase('the demo loader', (kind) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  const signIn = async (password: string) =>
    (await new Agent(t.app).signIn(demoUsername('teacher'), password)).statusCode;

  it('keeps the password of the first load, and never reports another one as the password', async () => {
    const first = await loadDemoData(t.db, t.clock, 'First-Demo-Password-1');
    expect(first).toMatchObject({
      created: true,
      password: 'First-Demo-Password-1',
      passwordIgnored: false,
    });

    const different = await loadDemoData(t.db, t.clock, 'Second-Demo-Password-2');
    expect(different).toMatchObject({
      created: false,
      password: undefined,
      passwordIgnored: true,
    });
    expect(await signIn('Second-Demo-Password-2')).toBe(401);
    expect(await signIn('First-Demo-Password-1')).toBe(303);

    const same = await loadDemoData(t.db, t.clock, 'First-Demo-Password-1');
    expect(same).toMatchObject({
      created: false,
      password: 'First-Demo-Password-1',
      passwordIgnored: false,
    });

    const none = await loadDemoData(t.db, t.clock, undefined);
    expect(none).toMatchObject({ created: false, password: undefined, passwordIgnored: false });
  });
});
