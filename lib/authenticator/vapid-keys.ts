import webPush from 'web-push';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { seal, unseal } from '@/lib/security/sealed-box';

/** The VAPID key pair (RFC 8292): the public key as the PWA's applicationServerKey, the private one signing each push. */
export type VapidKeys = { publicKey: string; privateKey: string };

const VAPID_ROW_ID = 1;
const SEAL_CONTEXT = 'web-push-vapid';

const globalForVapid = globalThis as unknown as { backchannelVapidKeys?: Promise<VapidKeys> };

const loadOrCreate = async (db: Db): Promise<VapidKeys> => {
  const { keyEncryptionKey } = getEnv();
  const existing = await db.webPushKey.findUnique({ where: { id: VAPID_ROW_ID } });
  if (!existing) {
    const generated = webPush.generateVAPIDKeys();
    // Two instances starting at once both generate: the first insert wins, the other reads it.
    await db.webPushKey
      .create({
        data: {
          id: VAPID_ROW_ID,
          publicKey: generated.publicKey,
          privateKey: seal(generated.privateKey, SEAL_CONTEXT, keyEncryptionKey),
        },
      })
      .catch(async (error: unknown) => {
        // Lost the race (unique id): the winner's row is read below.
        if (!(await db.webPushKey.findUnique({ where: { id: VAPID_ROW_ID } }))) throw error;
      });
  }
  const row = await db.webPushKey.findUniqueOrThrow({ where: { id: VAPID_ROW_ID } });
  const privateKey = unseal(row.privateKey, SEAL_CONTEXT, keyEncryptionKey);
  if (privateKey === null) {
    throw new Error(
      'The Web Push (VAPID) key cannot be decrypted: BACKCHANNEL_KEY_ENCRYPTION_KEY (or data/key-encryption-key) is not the key it was encrypted with.',
    );
  }

  return { publicKey: row.publicKey, privateKey };
};

/**
 * The installation's VAPID keys, generated on first use and stored with the
 * private key sealed under the key-encryption key, like signing keys. One per
 * installation, not per tenant: a push subscription is made for one
 * applicationServerKey, so it must never change while devices are enrolled.
 * Cached for the process once read.
 */
export const getVapidKeys = (db: Db): Promise<VapidKeys> => {
  globalForVapid.backchannelVapidKeys ??= loadOrCreate(db).catch((error: unknown) => {
    globalForVapid.backchannelVapidKeys = undefined;
    throw error;
  });

  return globalForVapid.backchannelVapidKeys;
};
