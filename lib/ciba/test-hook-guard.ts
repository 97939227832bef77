import type { BaseEnv } from '@/lib/env';

/**
 * Refuses to start a production server (NODE_ENV=production) with the
 * conformance hook on (CIBA_TEST_HOOKS=true), unless CIBA_TEST_HOOKS_I_KNOW=true
 * acknowledges it: anyone who learns an auth_req_id could approve it. Called
 * by every server entry (`npm start`, plain `next start` through instrumentation).
 *
 * @throws Error naming the fix, before anything is served.
 */
export const assertTestHooksAllowed = (
  env: Pick<BaseEnv, 'production' | 'cibaTestHooks' | 'cibaTestHooksAcknowledged'>,
): void => {
  if (!env.cibaTestHooks || !env.production || env.cibaTestHooksAcknowledged) return;
  throw new Error(
    'Refusing to start: CIBA_TEST_HOOKS=true lets anyone who knows an auth_req_id approve or deny it (POST <issuer>/test/ciba/approve), ' +
      'and NODE_ENV is production. Unset CIBA_TEST_HOOKS, or set CIBA_TEST_HOOKS_I_KNOW=true to accept it (conformance runs only).',
  );
};
