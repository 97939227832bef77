import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import type { Db } from '@/lib/db/client';
import { failInterruptedEmails, INTERRUPTED_EMAIL_AGE_MS } from '@/lib/email/fail-interrupted-emails';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let tenantId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  tenantId = (await createTenant(db, { slug: 'acme', name: 'Acme' })).id;
});

afterAll(async () => cleanup());

const email = (status: string, ageMs: number, now: Date) => ({
  id: randomUUID(),
  tenantId,
  to: 'alice@example.com',
  subject: 's',
  text: 't',
  html: 'h',
  status,
  createdAt: new Date(now.getTime() - ageMs),
});

it('marks only emails stuck in "sending" past the in-flight bound as failed', async () => {
  const now = new Date();
  const stuck = email('sending', INTERRUPTED_EMAIL_AGE_MS + 1000, now);
  const inFlight = email('sending', 1000, now);
  const oldSent = email('sent', INTERRUPTED_EMAIL_AGE_MS * 10, now);
  await db.emailMessage.createMany({ data: [stuck, inFlight, oldSent] });

  expect(await failInterruptedEmails(db, now)).toBe(1);
  const statuses = await db.emailMessage.findMany({ select: { id: true, status: true, error: true } });
  const byId = new Map(statuses.map((row) => [row.id, row]));
  expect(byId.get(stuck.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped/) });
  expect(byId.get(inFlight.id)?.status).toBe('sending');
  expect(byId.get(oldSent.id)?.status).toBe('sent');
});
