import { hash, verify } from '@node-rs/argon2';

/** argon2id: `Algorithm.Argon2id` is a const enum, which verbatimModuleSyntax cannot import. */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  // An account with no password yet still costs one verification, so timing does not tell it apart.
  const target = passwordHash ?? (await dummyHash());
  const ok = await verify(target, password).catch(() => false);
  return ok && passwordHash !== null;
}

let dummy: Promise<string> | undefined;
/** Verified against when the username is unknown, so a wrong username takes as long as a wrong password. */
export function dummyHash(): Promise<string> {
  dummy ??= hash('not-a-real-password-for-timing', OPTIONS);
  return dummy;
}

export const PASSWORD_MIN_LENGTH = 10;

export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Password must be ${PASSWORD_MIN_LENGTH} characters or more`;
  if (password.length > 200) return 'Password must be 200 characters or fewer';
  return undefined;
}
