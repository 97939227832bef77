import { burnUserCodeVerification, hashUserCode, verifyUserCode } from '@/lib/ciba/user-code-hash';
import type { ClientRecord } from '@/lib/clients/client-record';
import { invalidUserCode, missingUserCode } from '@/lib/oauth/errors';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** Wrong user codes in a row that lock the code. */
export const MAX_USER_CODE_FAILURES = 5;

/** How long a locked code stays locked: 15 minutes. */
export const USER_CODE_LOCK_MS = 15 * 60 * 1000;

export type CheckUserCodeOptions = {
  client: Pick<ClientRecord, 'userCodeParameter'>;
  /** The user the hint resolved to (CIBA §7.2 steps 4–5). */
  userId: string;
  /** The request's `user_code` parameter, if any. */
  userCode: string | undefined;
  now: Date;
};

/**
 * The user code check of bc-authorize (CIBA §7.1.2), after the hint has been
 * resolved to a user. Only for a client registered with
 * `backchannel_user_code_parameter`: for any other client `user_code` is
 * ignored (CIBA §7.1: sent "only if" the client registered for it, so the OP
 * does not require or check it) and nothing is read.
 *
 * - no `user_code` → `missing_user_code`;
 * - the user has no code, the code is wrong, or the code is locked →
 *   `invalid_user_code`, one public text for all three (the reason is the
 *   error's private detail, recorded on the `ciba_start_failed` event).
 *
 * Every wrong code is counted by one conditional UPDATE (exact across
 * instances); the `MAX_USER_CODE_FAILURES`th in a row locks the code for
 * `USER_CODE_LOCK_MS`, during which every attempt — the right code too — is
 * refused uncounted. A right code clears the count (one conditional UPDATE
 * that also refuses it if a lock was set meanwhile) and replaces a legacy
 * SHA-256 hash with the slow one. The hash runs on libuv's thread pool;
 * a stand-in hash keeps a user without a code as slow to answer as one with.
 *
 * @throws OAuthError missing_user_code / invalid_user_code (400, CIBA §13).
 */
export const checkUserCode = async (
  store: Pick<ProtocolStore, 'findUserCode' | 'recordUserCodeFailure' | 'recordUserCodeSuccess'>,
  { client, userId, userCode, now }: CheckUserCodeOptions,
): Promise<void> => {
  if (!client.userCodeParameter) return;
  if (userCode === undefined || userCode === '') throw missingUserCode();
  const state = await store.findUserCode(userId);
  const stored = state?.userCodeHash ?? null;
  if (stored === null) {
    await burnUserCodeVerification(userCode);
    throw invalidUserCode('the user has no user code');
  }
  // Verified even while locked, so that the answer's timing does not reveal the lock.
  const { ok, needsRehash } = await verifyUserCode(userCode, stored);
  const lockedUntil = state?.userCodeLockedUntil ?? null;
  if (lockedUntil !== null && lockedUntil > now) {
    throw invalidUserCode(`the user code is locked until ${lockedUntil.toISOString()} after too many wrong codes`);
  }
  if (!ok) {
    const counted = await store.recordUserCodeFailure({
      userId,
      now,
      lockedUntil: new Date(now.getTime() + USER_CODE_LOCK_MS),
      maxFailures: MAX_USER_CODE_FAILURES,
    });
    if (counted === null) throw invalidUserCode('the user code is locked after too many wrong codes');
    throw invalidUserCode(
      counted.lockedUntil === null
        ? `wrong user code (${counted.failures} in a row)`
        : `wrong user code (${counted.failures} in a row): locked until ${counted.lockedUntil.toISOString()}`,
    );
  }
  const newUserCodeHash = needsRehash ? await hashUserCode(userCode) : stored;
  if (!(await store.recordUserCodeSuccess({ userId, now, userCodeHash: stored, newUserCodeHash }))) {
    throw invalidUserCode('the user code was locked or changed during the check');
  }
};
