// Two instances (`node bin/start.mjs`) on one PostgreSQL database behind HAProxy (Debian's package):
// a flow whose steps land on different instances, a setting changed on one seen by the other within
// a second, the live monitor of one showing what happens on the other, one instance killed (-9)
// mid-load with no request lost and no callback answered twice, and a rolling restart under load
// with zero failed requests. Skips visibly without HAProxy or PostgreSQL (E2E_POSTGRES_URL).
import { expect, test, type Page } from '@playwright/test';
import { e2ePort, e2ePostgresAdminUrl } from '../support/run-options';
import { clusterUnavailable, startCluster, type Cluster } from './cluster';
import { bindingCode, CIBA_GRANT_TYPE, getJson, postForm, startLoad } from './load';

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Held this long, a callback is in flight when its sender is killed (below the sender's 5 s response timeout). */
const KILL_TEST_HOLD_MS = 3_000;

const waitFor = async (what: string, condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(50);
  }
};

test.describe('two instances behind HAProxy', () => {
  const unavailable = clusterUnavailable(e2ePostgresAdminUrl());
  // Said in the run's output too: the list reporter shows a skipped test without its reason.
  if (unavailable) console.log(`[cluster] two-instance tests skipped: ${unavailable}`);
  test.skip(unavailable !== null, `Cluster spec skipped: ${unavailable}.`);
  test.describe.configure({ mode: 'serial' });

  let cluster: Cluster;

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    cluster = await startCluster({
      postgresAdminUrl: e2ePostgresAdminUrl()!,
      basePort: e2ePort() + 20,
      callbackHoldMs: 20,
    });
  });

  test.afterAll(async () => {
    await cluster?.stop();
  });

  test('a flow whose steps land on different instances: bc-authorize on A, poll on B, approval page on B, tokens from A', async ({
    page,
  }) => {
    const { pollClient, alice } = cluster;
    const binding = bindingCode();
    const started = await postForm(
      `${cluster.issuerOn('a')}/bc-authorize`,
      { scope: 'openid email', login_hint: alice.email, binding_message: binding },
      pollClient,
    );
    expect(started.status).toBe(200);
    const authReqId = String(started.json.auth_req_id);
    const token = (on: 'a' | 'b') =>
      postForm(`${cluster.issuerOn(on)}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, pollClient);

    const pending = await token('b');
    expect([pending.status, pending.json.error]).toEqual([400, 'authorization_pending']);

    // The emailed link names APP_URL, the load balancer; the page is opened on B itself.
    const email = await cluster.waitForEmail(alice.email, binding);
    const link = /(https?:\/\/\S+\/approve\/[A-Za-z0-9_-]+)/.exec(email.text)?.[1] ?? '';
    expect(link.startsWith(`${cluster.appUrl}/t/acme/approve/`)).toBe(true);
    await page.goto(link.replace(cluster.appUrl, cluster.base('b')));
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('heading', { name: /approved/i })).toBeVisible();

    await sleep(1_100); // the client's poll interval (1 s)
    const tokens = await token('a');
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String) });
    const userinfo = await getJson(`${cluster.issuerOn('b')}/userinfo`, {
      authorization: `Bearer ${String(tokens.json.access_token)}`,
    });
    expect(userinfo.status).toBe(200);
    expect(userinfo.json).toMatchObject({ sub: alice.sub, email: alice.email });

    // Redeemed once for the whole deployment: B refuses the same auth_req_id.
    await sleep(1_100);
    const replay = await token('b');
    expect([replay.status, replay.json.error]).toEqual([400, 'invalid_grant']);

    // Through the load balancer, round-robin: both instances answer.
    const servedBy = new Set<string | null>();
    for (let i = 0; i < 6; i += 1) servedBy.add((await getJson(`${cluster.issuer}/.well-known/openid-configuration`)).servedBy);
    expect([...servedBy].sort()).toEqual(['a', 'b']);
  });

  test('a client setting changed through instance A is what instance B answers within a second', async () => {
    const { pollClient, alice } = cluster;
    const startOnB = () =>
      postForm(
        `${cluster.issuerOn('b')}/bc-authorize`,
        { scope: 'openid', login_hint: alice.email, binding_message: bindingCode() },
        pollClient,
      );
    const patchOnA = (interval: number) =>
      fetch(`${cluster.base('a')}/api/v1/tenants/acme/clients/${pollClient.client_id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${cluster.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ backchannel_poll_interval: interval }),
      });
    // B has served the client with its current settings (its cache holds them).
    expect((await startOnB()).json.interval).toBe(1);

    const changed = await patchOnA(4);
    expect(changed.status).toBe(200);
    const changedAt = Date.now();
    let interval: unknown;
    while ((interval = (await startOnB()).json.interval) !== 4 && Date.now() - changedAt < 5_000) await sleep(20);
    const seenAfterMs = Date.now() - changedAt;
    expect(interval).toBe(4);
    expect(seenAfterMs).toBeLessThan(1_000);
    console.log(`[cluster] setting changed on A seen on B after ${seenAfterMs} ms`);

    expect((await patchOnA(1)).status).toBe(200);
    await expect.poll(async () => (await startOnB()).json.interval, { timeout: 5_000 }).toBe(1);
  });

  test('the live monitor of instance A shows a request made and approved on instance B', async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, cluster);
    // The console session works on every instance (the session is in the shared database).
    await page.goto(`${cluster.base('a')}/admin/t/acme/requests`);
    await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 10_000 });

    const binding = bindingCode();
    const started = await postForm(
      `${cluster.issuerOn('b')}/bc-authorize`,
      { scope: 'openid', login_hint: cluster.alice.email, binding_message: binding },
      cluster.pollClient,
    );
    expect(started.status).toBe(200);
    const row = page.getByRole('table', { name: 'Waiting requests, live' }).getByRole('row').filter({ hasText: binding });
    await expect(row).toBeVisible({ timeout: 5_000 });
    await expect(row).toContainText('Pending');

    const approved = await postForm(`${cluster.issuerOn('b')}/test/ciba/approve`, {
      auth_req_id: String(started.json.auth_req_id),
    });
    expect(approved.status).toBe(204);
    await expect(row).toContainText('Approved', { timeout: 5_000 });
  });

  test('instance A killed (-9) mid-load: B carries on, no request is lost, every callback answered once', async () => {
    test.setTimeout(120_000);
    const { receiver } = cluster;
    receiver.setHold(KILL_TEST_HOLD_MS);
    // Approvals go to B: a non-idempotent request that A had committed when it died would be
    // retried by HAProxy and refused as already decided. Everything else goes through HAProxy.
    const load = startLoad(cluster, { approveOn: 'b', redeem: false });
    await sleep(2_000);

    // Three ping requests approved on A itself: A's worker, woken by its own commit, delivers
    // their callbacks, which the receiver holds while A is killed.
    const onA = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const started = await postForm(
          `${cluster.issuer}/bc-authorize`,
          {
            scope: 'openid',
            login_hint: cluster.alice.email,
            binding_message: bindingCode(),
            client_notification_token: `tok-${i}-x`,
          },
          cluster.pingClient,
        );
        expect(started.status).toBe(200);
        const authReqId = String(started.json.auth_req_id);
        expect((await postForm(`${cluster.issuerOn('a')}/test/ciba/approve`, { auth_req_id: authReqId })).status).toBe(204);

        return authReqId;
      }),
    );
    const arrived = (id: string) => receiver.callbacks.some((callback) => callback.authReqId === id);
    await waitFor('the callbacks of A’s approvals', () => onA.every(arrived), 10_000);
    // On a slow machine one may have been answered already: it must then not come again.
    const heldAtKill = onA.filter((id) => receiver.outcomesOf(id).held === 1);
    expect(heldAtKill.length).toBeGreaterThan(0);
    expect(await cluster.signalInstance('a', 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();

    await sleep(3_000);
    const stats = await load.stop();
    console.log(`[cluster] kill -9: ${stats.total} requests, by instance ${stats.servedBy.join('+')}`, stats.counts);
    expect(stats.failures).toEqual([]);
    expect(stats.servedBy).toEqual(['a', 'b']);
    expect(stats.total).toBeGreaterThan(30);

    // A's deliveries were cut by its death; B takes them over once their lease (10 s) lapses.
    for (const id of heldAtKill) expect(receiver.outcomesOf(id)).toMatchObject({ cut: 1 });
    await waitFor('B to take over A’s callbacks', () => onA.every((id) => receiver.outcomesOf(id).answered === 1), 30_000);
    console.log(`[cluster] A's callbacks redelivered by B ${Date.now() - killedAt} ms after the kill`);
    // Every approved request's ping is answered exactly once, none twice.
    const everyApproved = [...onA, ...load.approved];
    await waitFor(
      'every approved request’s callback',
      () => everyApproved.every((id) => receiver.outcomesOf(id).answered >= 1),
      30_000,
    );
    await sleep(KILL_TEST_HOLD_MS + 500);
    const answeredTwice = everyApproved.filter((id) => receiver.outcomesOf(id).answered !== 1);
    expect(answeredTwice).toEqual([]);
    for (const callback of receiver.callbacks.filter((entry) => onA.includes(entry.authReqId))) {
      expect(callback.authorization).toMatch(/^Bearer tok-\d-x$/);
    }
    // …and the tokens of each are redeemed once, through whichever instance is left.
    for (const id of everyApproved) {
      const redeemed = await postForm(
        `${cluster.issuer}/oauth/token`,
        { grant_type: CIBA_GRANT_TYPE, auth_req_id: id },
        cluster.pingClient,
      );
      expect(redeemed.status, id).toBe(200);
    }

    receiver.setHold(20);
    await cluster.startInstance('a');
    await cluster.waitUntilRouted('a');
  });

  test('a rolling restart under load (SIGTERM A, start A, SIGTERM B, start B) fails no request', async () => {
    test.setTimeout(180_000);
    const load = startLoad(cluster, { approveOn: 'haproxy', redeem: true });
    await sleep(1_500);
    for (const instance of ['a', 'b'] as const) {
      const stopping = Date.now();
      expect(await cluster.signalInstance(instance, 'SIGTERM')).toEqual({ code: 0, signal: null });
      console.log(`[cluster] ${instance} stopped ${Date.now() - stopping} ms after SIGTERM`);
      await cluster.startInstance(instance);
      await cluster.waitUntilRouted(instance);
    }
    await sleep(1_500);
    const stats = await load.stop();
    console.log(`[cluster] rolling restart: ${stats.total} requests`, stats.counts);
    expect(stats.failures).toEqual([]);
    expect(stats.counts['token (after ping)']).toBeGreaterThan(5);
    expect(stats.total).toBeGreaterThan(50);
  });
});

/** Signs the console owner in through the load balancer: the form, the emailed link, the confirmation. */
const signIn = async (page: Page, cluster: Cluster) => {
  const before = cluster.mock.messages.length;
  await page.goto(`${cluster.appUrl}/admin/sign-in`);
  await page.getByLabel('Email address').fill(cluster.ownerEmail);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible({ timeout: 10_000 });
  await waitFor('the sign-in email', () => cluster.mock.messages.length > before, 10_000);
  const email = await cluster.waitForEmail(cluster.ownerEmail, '/admin/sign-in/confirm');
  const link = /(https?:\/\/\S+\/admin\/sign-in\/confirm\?\S+)/.exec(email.text)?.[1] ?? '';
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${cluster.appUrl}/admin`);
};
