// The tenant overview's activity, on a tenant of its own: requests driven through the protocol and
// the approval page (approved and redeemed, denied, expired, pending, one whose email the provider
// refuses), plus six days of older finished requests written straight to the database, so that the
// day and week charts have a shape. The charts render (SVG), each figure is named by its caption,
// the tables under them carry the exact numbers, the window switches by link, axe passes, and the
// page is saved as screenshots in light and dark mode.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Page } from '@playwright/test';
import { pollUntilDone, relyingParty, sleep, startRequest, startRequestWithLink, type RelyingParty } from '../support/ciba';
import type { E2eClient } from '../support/context';
import { childEnv, ROOT } from '../support/processes';
import { ctx, expect, expectAccessible, expectHeading, screenshot, test } from './console';

test.describe.configure({ mode: 'serial' });

/** A chart's drawing (legend icons are SVGs of their own). */
const CHART_SVG = '.recharts-wrapper > svg.recharts-surface';

const SLUG = `overview-${Date.now().toString(36)}`;
const OVERVIEW = `/admin/t/${SLUG}`;
const ANN = 'ann@overview.example';
/** The mock Resend endpoint refuses `.invalid` recipients: this user's approval email fails for good. */
const BOUNCE = 'bounce@mail.invalid';

const cli = <T>(args: string[]): Promise<T> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/backchannel.mjs'), ...args, '--json'],
      { cwd: ROOT, env: childEnv(ctx.cliEnv), encoding: 'utf8', timeout: 25_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(JSON.parse(stdout) as T)),
    );
  });

type CreatedClient = { client_id: string; client_secret: string; client_name: string };

const createClient = async (name: string): Promise<E2eClient> => {
  const created = await cli<CreatedClient>(['client', 'create', '--tenant', SLUG, '--name', name]);

  return {
    tenant: SLUG,
    name: created.client_name,
    client_id: created.client_id,
    client_secret: created.client_secret,
    token_endpoint_auth_method: 'client_secret_basic',
    binding_message_policy: 'optional',
  };
};

/** A UUIDv7 of `ms`, as the server makes request ids (lib/ids/time-ordered-id.ts). */
const uuidV7 = (ms: number): string => {
  const time = ms.toString(16).padStart(12, '0');
  const random = randomBytes(10).toString('hex');

  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${((parseInt(random.slice(3, 4), 16) & 3) | 8).toString(16)}${random.slice(4, 7)}-${random.slice(7, 19)}`;
};

type OldRequest = {
  ms: number;
  client: number;
  status: 'redeemed' | 'denied' | 'expired' | 'cancelled';
  decidedAfterMs: number | null;
};
type OldFailure = { ms: number };

/**
 * Finished requests from 2 to 143 hours ago (none 23–24 hours ago, where the day window's
 * first bucket starts), more by day than by night, for three clients (60/30/10 %), and a failed
 * email every so often. Deterministic: the counts below are the spec's expectations.
 */
const history = (now: number) => {
  const requests: OldRequest[] = [];
  const failures: OldFailure[] = [];
  for (let hour = 2; hour < 144; hour += 1) {
    if (hour === 23 || hour === 24) continue;
    const at = now - hour * 3_600_000;
    const daytime = Math.sin(((new Date(at).getUTCHours() - 8) / 24) * 2 * Math.PI);
    const count = Math.max(0, Math.round(3 + 3 * daytime + ((hour * 7) % 3)));
    for (let index = 0; index < count; index += 1) {
      const ms = at - Math.floor(((index + 0.5) / count) * 3_600_000) + 1;
      const n = hour * 31 + index;
      const status = (
        [
          'redeemed',
          'redeemed',
          'redeemed',
          'redeemed',
          'redeemed',
          'denied',
          'expired',
          'redeemed',
          'cancelled',
          'denied',
        ] as const
      )[n % 10];
      const decidedAfterMs = status === 'expired' ? null : status === 'cancelled' ? 90_000 : 2_000 + ((n * 7919) % 45_000);
      requests.push({ ms, client: n % 10 < 6 ? 0 : n % 10 < 9 ? 1 : 2, status, decidedAfterMs });
      if (n % 23 === 0) failures.push({ ms: ms + 5_000 });
    }
  }

  return { requests, failures };
};

const REQUEST_COLUMNS =
  '"id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "status", "interval", "expiresAt", "createdAt", "decidedAt"';
/** What sealing a half-hour writes (lib/admin/seal-activity-slots.ts): its per-client counts, then its marker. */
const SEALED_TABLES = ['ActivityRollup', 'ActivitySlot'];
const OUTBOX_COLUMNS = '"id", "tenantId", "type", "payload", "status", "attempts", "availableAt", "finishedAt", "createdAt"';

/**
 * Writes the history straight into the run's database (SQLite file or PostgreSQL), as the server stores it,
 * and drops the tenant's sealed slots in the same transaction: the server's background work may already have
 * sealed the (then empty) half-hours the history lands in, and a sealed slot is never read again. Real
 * requests are never created in the past, so the server need not expect this; the history must.
 */
const writeHistory = async (now: number, clientIds: string[]) => {
  const CLIENT_IDS = `SELECT "id", "clientId" FROM "Client" WHERE "clientId" IN (${clientIds.map((id) => `'${id}'`).join(', ')})`;
  const ordered = (rows: { id: string; clientId: string }[]) =>
    clientIds.map((clientId) => rows.find((row) => row.clientId === clientId)!.id);
  const { requests, failures } = history(now);
  const rows = (tenantId: string, userId: string, ids: string[], time: (ms: number) => string) => ({
    requests: requests.map((request) => [
      uuidV7(request.ms),
      tenantId,
      ids[request.client],
      userId,
      `overview-history-${randomBytes(12).toString('hex')}`,
      'openid',
      request.status,
      5,
      time(request.ms + 300_000),
      time(request.ms),
      request.decidedAfterMs === null ? null : time(request.ms + request.decidedAfterMs),
    ]),
    failures: failures.map((failure) => [
      uuidV7(failure.ms - 5_000),
      tenantId,
      'approval_email',
      '{}',
      'failed',
      1,
      time(failure.ms),
      time(failure.ms),
      time(failure.ms - 5_000),
    ]),
  });
  const url = ctx.cliEnv.DATABASE_URL;
  if (url.startsWith('file:')) {
    const db = new Database(url.slice('file:'.length));
    try {
      db.pragma('busy_timeout = 10000');
      const tenant = db.prepare('SELECT "id" FROM "Tenant" WHERE "slug" = ?').get(SLUG) as { id: string };
      const user = db.prepare('SELECT "id" FROM "User" WHERE "tenantId" = ? AND "email" = ?').get(tenant.id, ANN) as {
        id: string;
      };
      const ids = ordered(db.prepare(CLIENT_IDS).all() as { id: string; clientId: string }[]);
      const data = rows(tenant.id, user.id, ids, (ms) => new Date(ms).toISOString().replace('Z', '+00:00'));
      const insertRequest = db.prepare(`INSERT INTO "BackchannelRequest" (${REQUEST_COLUMNS}) VALUES (${'?, '.repeat(10)}?)`);
      const insertFailure = db.prepare(`INSERT INTO "OutboxMessage" (${OUTBOX_COLUMNS}) VALUES (${'?, '.repeat(8)}?)`);
      db.transaction(() => {
        for (const row of data.requests) insertRequest.run(...row);
        for (const row of data.failures) insertFailure.run(...row);
        for (const table of SEALED_TABLES) db.prepare(`DELETE FROM "${table}" WHERE "tenantId" = ?`).run(tenant.id);
      })();
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tenant = (await client.query<{ id: string }>('SELECT "id" FROM "Tenant" WHERE "slug" = $1', [SLUG])).rows[0];
      const user = (
        await client.query<{ id: string }>('SELECT "id" FROM "User" WHERE "tenantId" = $1 AND "email" = $2', [tenant.id, ANN])
      ).rows[0];
      const ids = ordered((await client.query<{ id: string; clientId: string }>(CLIENT_IDS)).rows);
      const data = rows(tenant.id, user.id, ids, (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' '));
      const placeholders = (count: number) => Array.from({ length: count }, (_, index) => `$${index + 1}`).join(', ');
      await client.query('BEGIN');
      for (const row of data.requests) {
        await client.query(`INSERT INTO "BackchannelRequest" (${REQUEST_COLUMNS}) VALUES (${placeholders(11)})`, row);
      }
      for (const row of data.failures) {
        await client.query(`INSERT INTO "OutboxMessage" (${OUTBOX_COLUMNS}) VALUES (${placeholders(9)})`, row);
      }
      for (const table of SEALED_TABLES) await client.query(`DELETE FROM "${table}" WHERE "tenantId" = $1`, [tenant.id]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }

  return { requests, failures };
};

/** The sums of the columns of the visually hidden table under the requests chart. */
const requestTableTotals = async (page: Page, caption: string) => {
  const table = page.getByRole('table', { name: caption });
  const headers = await table.locator('thead th').allTextContents();
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent?.replace(/,/g, '')))),
    );

  return Object.fromEntries(
    headers.slice(1).map((header, index) => [header, rows.reduce((sum, row) => sum + row[index], 0)]),
  ) as Record<string, number>;
};

let history_: ReturnType<typeof history>;
let clients: E2eClient[];

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await cli(['tenant', 'create', '--slug', SLUG, '--name', 'Overview Corp']);
  clients = [await createClient('Support Desk'), await createClient('Kiosk'), await createClient('Partner Portal')];
  await cli(['user', 'create', '--tenant', SLUG, '--email', ANN, '--name', 'Ann Example']);
  await cli(['user', 'create', '--tenant', SLUG, '--email', BOUNCE, '--name', 'Bounce']);

  // Now, through the protocol: approved and redeemed, denied, expired, pending, and a refused email.
  const desk: RelyingParty = await relyingParty(clients[0]);
  const kiosk: RelyingParty = await relyingParty(clients[1]);
  const page = await browser.newPage();
  try {
    const approved = await startRequestWithLink(desk, { loginHint: ANN });
    await page.goto(approved.link);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();
    expect((await pollUntilDone(desk, approved.auth_req_id, { interval: 0 })).ok).toBe(true);

    const denied = await startRequestWithLink(kiosk, { loginHint: ANN });
    await page.goto(denied.link);
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page.getByRole('heading', { name: 'Request denied' })).toBeVisible();
  } finally {
    await page.close();
  }
  await startRequestWithLink(desk, { loginHint: ANN, extra: { requested_expiry: '1' } });
  await startRequestWithLink(desk, { loginHint: ANN });
  await startRequest(kiosk, { scope: 'openid', login_hint: BOUNCE });
  await sleep(1_100);
});

test('the last hour: each outcome counted, the charts drawn, the numbers in their tables', async ({ page }) => {
  await page.goto(`${OVERVIEW}?range=hour`);
  await expectHeading(page, 'Overview Corp');
  const activity = page.getByRole('region', { name: 'Activity' });
  await expect(activity.getByRole('link', { name: 'Last hour' })).toHaveAttribute('aria-current', 'page');

  // The refused email fails at the worker's first attempt (a 4xx is not retried).
  await expect(async () => {
    await page.reload();
    expect(await requestTableTotals(page, 'Requests per minute by outcome, the last hour')).toEqual({
      Started: 5,
      Approved: 1,
      Denied: 1,
      Expired: 1,
      Cancelled: 0,
      Pending: 2,
    });
    await expect(
      page.getByRole('table', { name: 'Failed notifications per minute, the last hour' }).locator('tbody td').last(),
    ).toHaveText('1');
  }).toPass({ timeout: 20_000 });

  const chart = page.getByRole('figure', { name: 'Requests per minute by outcome, the last hour' });
  await expect(chart.locator(CHART_SVG)).toBeVisible();
  expect(await chart.locator('.recharts-bar-rectangle path, .recharts-bar-rectangle').count()).toBeGreaterThan(0);
  await expect(
    page.getByRole('figure', { name: 'Failed notifications per minute, the last hour' }).locator(CHART_SVG),
  ).toBeVisible();
  const top = page.getByRole('figure', { name: 'Top applications by requests started' });
  await expect(top.locator(CHART_SVG)).toBeVisible();
  const topRows = top.getByRole('table').locator('tbody tr');
  await expect(topRows).toHaveCount(2);
  await expect(topRows.nth(0).locator('th')).toHaveText('Support Desk');
  await expect(topRows.nth(0).locator('td').nth(0)).toHaveText(clients[0].client_id);
  await expect(topRows.nth(0).locator('td').nth(1)).toHaveText('3');
  await expect(topRows.nth(1).locator('th')).toHaveText('Kiosk');

  // Tiles: 3 requests are no longer pending; one each approved, denied, expired.
  const tiles = page.getByRole('definition');
  await expect(tiles.filter({ hasText: /^33%$/ })).toHaveCount(3);
  await expect(activity).toContainText('1 of 3');
  await expectAccessible(page);
});

test('the window switches by link: day and week add the history, exactly', async ({ page }) => {
  await page.goto(OVERVIEW);
  const activity = page.getByRole('region', { name: 'Activity' });
  await expect(activity.getByRole('link', { name: 'Last day' })).toHaveAttribute('aria-current', 'page');
  const dayCaption = 'Requests per 30 minutes by outcome, the last 24 hours';

  // The history is written after the live requests (its rows are 2 hours old and older).
  history_ ??= await writeHistory(
    Date.now(),
    clients.map((client) => client.client_id),
  );
  const sum = (requests: OldRequest[], status: OldRequest['status']) =>
    requests.filter((request) => request.status === status).length;
  const within = (hours: number) => history_.requests.filter((request) => request.ms > Date.now() - hours * 3_600_000);
  const expectTotals = async (caption: string, requests: OldRequest[]) => {
    expect(await requestTableTotals(page, caption)).toEqual({
      Started: 5 + requests.length,
      Approved: 1 + sum(requests, 'redeemed'),
      Denied: 1 + sum(requests, 'denied'),
      Expired: 1 + sum(requests, 'expired'),
      Cancelled: sum(requests, 'cancelled'),
      Pending: 2,
    });
  };

  await page.reload();
  await expectTotals(dayCaption, within(23));
  await expect(page.getByRole('figure', { name: dayCaption }).locator(CHART_SVG)).toBeVisible();

  await activity.getByRole('link', { name: 'Last week' }).click();
  await page.waitForURL(`**${OVERVIEW}?range=week`);
  await expect(activity.getByRole('link', { name: 'Last week' })).toHaveAttribute('aria-current', 'page');
  await expect(activity.getByRole('link', { name: 'Last day' })).not.toHaveAttribute('aria-current', 'page');
  await expectTotals('Requests per 6 hours by outcome, the last 7 days', history_.requests);
  const failures = page.getByRole('table', { name: 'Failed notifications per 6 hours, the last 7 days' });
  const failureCounts = await failures.locator('tbody td').allTextContents();
  expect(failureCounts.reduce((total, value) => total + Number(value), 0)).toBe(1 + history_.failures.length);
  await expectAccessible(page);
  await screenshot(page, 'overview-week');

  await activity.getByRole('link', { name: 'Last hour' }).click();
  await page.waitForURL(`**${OVERVIEW}?range=hour`);
  await expect(page.getByRole('figure', { name: 'Requests per minute by outcome, the last hour' })).toBeVisible();
});

test('light and dark: no contrast violations, screenshots of the day', async ({ page }) => {
  history_ ??= await writeHistory(
    Date.now(),
    clients.map((client) => client.client_id),
  );
  await page.goto(OVERVIEW);
  await expect(
    page
      .getByRole('figure', { name: /the last 24 hours/ })
      .first()
      .locator(CHART_SVG),
  ).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'overview-day');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expect(
    page
      .getByRole('figure', { name: /the last 24 hours/ })
      .first()
      .locator(CHART_SVG),
  ).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'overview-day-dark');
  await page.goto(`${OVERVIEW}?range=week`);
  await expect(
    page
      .getByRole('figure', { name: /the last 7 days/ })
      .first()
      .locator(CHART_SVG),
  ).toBeVisible();
  await screenshot(page, 'overview-week-dark');
});
