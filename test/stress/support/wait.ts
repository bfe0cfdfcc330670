export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls every `everyMs` until the condition holds or the time is up; true if it held. */
export async function waitFor(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(everyMs);
  }
  return condition();
}
