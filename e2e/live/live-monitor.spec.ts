// The live monitor (/admin/t/<tenant>/requests): requests made by an outside client appear within a
// second and leave when they expire; a cancel from the monitor is what the client's next poll sees;
// on PostgreSQL, a console on one instance sees what happens on another.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { bindingCode, pollOnce, relyingParty, startRequest, startRequestWithLink, waitForEmail } from '../support/ciba';
import { childEnv, ROOT, serverCommand, spawnServer, stopProcess, waitUntilAnswering } from '../support/processes';
import { ctx, expect, expectAccessible, test } from '../console/console';

const monitorUrl = (tenant: string, base = ctx.appUrl) => `${base}/admin/t/${tenant}/requests`;

/** The row of the waiting-requests table showing `binding`. */
const waitingRow = (page: Page, binding: string) =>
  page.getByRole('table', { name: 'Waiting requests, live' }).getByRole('row').filter({ hasText: binding });
const finishedRow = (page: Page, binding: string) =>
  page.getByRole('table', { name: 'Recently finished requests' }).getByRole('row').filter({ hasText: binding });

const openMonitor = async (page: Page, base = ctx.appUrl) => {
  await page.goto(monitorUrl('acme', base));
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 10_000 });
};

test.describe('live monitor', () => {
  test('shows a request an outside client makes within a second, counts its polls, and shows it expire', async ({ page }) => {
    test.skip(
      ctx.database === 'postgres',
      'The page itself: the SQLite pass covers it; PostgreSQL runs the writes and the second instance.',
    );
    await openMonitor(page);
    const rp = await relyingParty(ctx.clients.acme);
    const binding = bindingCode();
    const started = await startRequest(rp, {
      scope: 'openid email',
      login_hint: ctx.users.alice.email,
      binding_message: binding,
      requested_expiry: '6',
    });
    const createdAt = Date.now();
    await expect(waitingRow(page, binding)).toBeVisible({ timeout: 1_000 });
    expect(Date.now() - createdAt).toBeLessThan(1_000);
    const row = waitingRow(page, binding);
    await expect(row).toContainText('Acme Support Desk');
    await expect(row).toContainText(ctx.users.alice.email);
    await expect(row).toContainText('Pending');
    // The email goes out: its delivery shows without a reload.
    await expect(row.getByText('Sent')).toBeVisible({ timeout: 5_000 });

    // A poll writes no event; the monitor still shows the count within its refresh (2 s).
    const poll = await pollOnce(rp, started.auth_req_id);
    expect(poll.ok ? 'tokens' : poll.error).toBe('authorization_pending');
    await expect(row.getByRole('cell').filter({ hasText: /^1 poll/ })).toBeVisible({ timeout: 4_000 });

    mkdirSync(join(ROOT, 'reports', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'reports', 'screenshots', 'live-monitor.png'), fullPage: true });
    await expectAccessible(page);

    // It expires: it leaves the waiting table and shows as expired among the finished.
    await expect(waitingRow(page, binding)).toHaveCount(0, { timeout: 8_000 });
    await expect(finishedRow(page, binding)).toContainText('Expired');
  });

  test('cancelling from the monitor: the client’s next poll gets access_denied', async ({ page }) => {
    await openMonitor(page);
    const rp = await relyingParty(ctx.clients.acme);
    const binding = bindingCode();
    const started = await startRequest(rp, { scope: 'openid', login_hint: ctx.users.alice.email, binding_message: binding });
    const row = waitingRow(page, binding);
    await expect(row).toBeVisible({ timeout: 1_000 });
    await row.getByRole('button', { name: /^Cancel the request/ }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel this request?' });
    await expect(dialog).toContainText(ctx.users.alice.email);
    await dialog.getByRole('button', { name: 'Cancel request' }).click();
    await expect(finishedRow(page, binding)).toContainText('Cancelled', { timeout: 5_000 });
    await expect(waitingRow(page, binding)).toHaveCount(0);

    const poll = await pollOnce(rp, started.auth_req_id);
    expect(poll.ok).toBe(false);
    if (!poll.ok) {
      expect(poll.status).toBe(400);
      expect(poll.error).toBe('access_denied');
    }
  });

  test('the stream refuses a visitor without a session (401), a tenant that does not exist (404) and a malformed resume id (400)', async ({
    page,
    playwright,
  }) => {
    test.skip(
      ctx.database === 'postgres',
      'The page itself: the SQLite pass covers it; PostgreSQL runs the writes and the second instance.',
    );
    const anonymous = await playwright.request.newContext({ storageState: { cookies: [], origins: [] } });
    const refused = await anonymous.get(`${monitorUrl('acme')}/live`);
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toEqual({ error: 'unauthorized' });
    await anonymous.dispose();

    const unknown = await page.request.get(`${monitorUrl('nope')}/live`);
    expect(unknown.status()).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not_found' });
    const malformed = await page.request.get(`${monitorUrl('acme')}/live?after=${'x'.repeat(300)}`);
    expect(malformed.status()).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'validation_failed', fields: [{ path: 'after' }] });
  });

  test('a request created and approved on a second instance appears on a console connected to the first (PostgreSQL)', async ({
    page,
  }) => {
    test.skip(ctx.database !== 'postgres', 'Several instances share one database only on PostgreSQL.');
    const port = new URL(ctx.appUrl).port === '3947' ? 3948 : Number(new URL(ctx.appUrl).port) + 1;
    const secondBase = `http://localhost:${port}`;
    const logFile = join(ctx.serverEnv.BACKCHANNEL_DATA_DIR, 'second-instance.log');
    // The same deployment (same APP_URL, database and secrets) on another port: a second instance behind a load balancer.
    const second = spawnServer(
      serverCommand(ctx.server, port),
      { ...childEnv({ ...ctx.serverEnv, PORT: String(port) }), NODE_ENV: 'production' },
      logFile,
    );
    try {
      await waitUntilAnswering(port, second, logFile);
      await openMonitor(page);

      // bc-authorize through the second instance.
      const rp = await relyingParty(ctx.clients.acme);
      const secondRp = {
        ...rp,
        as: Object.fromEntries(
          Object.entries(rp.as).map(([key, value]) => [
            key,
            typeof value === 'string' ? value.replace(ctx.appUrl, secondBase) : value,
          ]),
        ) as typeof rp.as,
      };
      const binding = bindingCode();
      await startRequest(secondRp, { scope: 'openid email', login_hint: ctx.users.alice.email, binding_message: binding });
      // On the first instance's console without a reload. NOTIFY usually carries it within
      // milliseconds, but a 2-second fallback read may too, so timing here proves nothing about
      // NOTIFY; that the notification alone wakes another instance is proved in vitest
      // (postgres-event-channel.test.ts, and long-poll.test.ts with no fallback read at all).
      await expect(waitingRow(page, binding)).toBeVisible();

      // Approved through the second instance's approval page.
      const email = await waitForEmail({ to: ctx.users.alice.email, containing: binding });
      const link = /(https?:\/\/\S+\/approve\/[A-Za-z0-9_-]+)/.exec(email.text)?.[1] ?? '';
      const approver = await page.context().newPage();
      await approver.goto(link.replace(ctx.appUrl, secondBase));
      await approver.getByRole('button', { name: 'Approve' }).click();
      await expect(approver.getByRole('heading', { name: /approved/i })).toBeVisible();
      await approver.close();

      await expect(waitingRow(page, binding)).toContainText('Approved');
    } finally {
      await stopProcess(second);
    }
  });

  test('the request page follows its timeline live', async ({ page }) => {
    test.skip(
      ctx.database === 'postgres',
      'The page itself: the SQLite pass covers it; PostgreSQL runs the writes and the second instance.',
    );
    const rp = await relyingParty(ctx.clients.acme);
    const { binding, link } = await startRequestWithLink(rp, { loginHint: ctx.users.alice.email });
    await openMonitor(page);
    await waitingRow(page, binding).getByRole('link').first().click();
    await expect(page.getByRole('heading', { name: /Request from Acme Support Desk/ })).toBeVisible();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect(timeline).toContainText('Notification sent');
    await expect(timeline).not.toContainText('Approved');

    const approver = await page.context().newPage();
    await approver.goto(link);
    await approver.getByRole('button', { name: 'Approve' }).click();
    await approver.close();
    await expect(timeline).toContainText('Approved', { timeout: 3_000 });
  });
});
