// Next.js calls register() once when a server process starts (`next start`,
// `next dev`, or the lean HTTP layer's embedded Next): it starts the
// process's background work (outbox worker, expiry sweeper) — once per
// process, whichever starts it first. NEXT_RUNTIME and NEXT_PHASE are set by
// Next itself, not configuration, so they are read here rather than in lib/env.ts.
// It also makes the process's HTTP server answer methods Next.js cannot parse with a 405
// (lib/http/refuse-unparseable-methods.ts).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const [{ assertDevelopmentOutboxAllowed }, { assertTestHooksAllowed }, { getBaseEnv }] = await Promise.all([
    import('@/lib/email/development-outbox-guard'),
    import('@/lib/ciba/test-hook-guard'),
    import('@/lib/env'),
  ]);
  assertDevelopmentOutboxAllowed(getBaseEnv());
  assertTestHooksAllowed(getBaseEnv());
  const { refuseUnparseableMethods } = await import('@/lib/http/refuse-unparseable-methods');
  refuseUnparseableMethods();
  const { startBackgroundWork } = await import('@/lib/background/background-work');
  startBackgroundWork();
}
