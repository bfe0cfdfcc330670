// Signing in over HTTP as an API client does: POST /api/v1/session, then GET /api/v1/session for
// the CSRF token (sent back as x-csrf-token on state-changing calls).

export interface BenchSession {
  username: string;
  cookie: string;
  csrfToken: string;
}

export async function signIn(
  baseUrl: string,
  username: string,
  password: string,
): Promise<BenchSession> {
  const login = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) {
    throw new Error(`signing in as ${username}: ${login.status} ${await login.text()}`);
  }
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('mybtec_session='));
  if (!cookie) throw new Error(`signing in as ${username}: no session cookie`);
  const session = await fetch(`${baseUrl}/api/v1/session`, { headers: { cookie } });
  if (session.status !== 200)
    throw new Error(`GET /api/v1/session as ${username}: ${session.status}`);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return { username, cookie, csrfToken };
}

/** Signs many people in, a few at a time (each costs an argon2 verification on the server). */
export async function signInAll(
  baseUrl: string,
  usernames: readonly string[],
  password: string,
  parallel = 4,
): Promise<BenchSession[]> {
  const sessions: BenchSession[] = new Array<BenchSession>(usernames.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < usernames.length) {
        const index = next;
        next += 1;
        sessions[index] = await signIn(baseUrl, usernames[index] as string, password);
      }
    }),
  );
  return sessions;
}
