/**
 * Test fixtures: rows written straight through Prisma, each returned as
 * created (plus the plaintext secrets that are only stored hashed). Every
 * seed accepts overrides for any column; ids and unique values are random,
 * so tests never collide within one database.
 */
import { randomUUID } from 'node:crypto';
import { issueApprovalLinkToken } from '@/lib/ciba/approval-link';
import { AUTH_REQ_ID_BYTES, CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import type { ApprovalLink, BackchannelRequest, Client, Tenant, User } from '@/lib/generated/sqlite/client';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';

const shortId = (): string => randomUUID().replace(/-/g, '').slice(0, 10);

/**
 * A tenant with bc-authorize's abuse limits OFF unless overridden: tests of
 * other rules make more than 5 requests a minute for one user. The limits
 * (and their defaults, on a tenant created like any other) are tested in
 * lib/ciba/admission.test.ts.
 */
export const seedTenant = async (db: Db, overrides: Partial<Tenant> = {}): Promise<Tenant> => {
  const suffix = shortId();

  return db.tenant.create({
    data: {
      id: randomUUID(),
      slug: `tenant-${suffix}`,
      name: `Tenant ${suffix}`,
      rateLimitPerUser: 0,
      rateLimitPerTenant: 0,
      maxPendingRequests: 0,
      rateLimitPerAgent: 0,
      ...overrides,
    },
  });
};

export type SeededClient = { client: Client; clientSecret: string };

/** A confidential CIBA client (poll mode, client_secret_basic); the secret is returned in plaintext. */
export const seedClient = async (
  db: Db,
  tenant: Pick<Tenant, 'id'>,
  overrides: Partial<Omit<Client, 'tenantId'>> & { clientSecret?: string } = {},
): Promise<SeededClient> => {
  const { clientSecret = randomToken(32), ...columns } = overrides;
  const suffix = shortId();
  const client = await db.client.create({
    data: {
      id: randomUUID(),
      tenantId: tenant.id,
      clientId: `client-${suffix}`,
      name: `Client ${suffix}`,
      secretHash: sha256Base64Url(clientSecret),
      grantTypes: CIBA_GRANT_TYPE,
      ...columns,
    },
  });

  return { client, clientSecret };
};

export const seedUser = async (
  db: Db,
  tenant: Pick<Tenant, 'id'>,
  overrides: Partial<Omit<User, 'tenantId'>> = {},
): Promise<User> => {
  const suffix = shortId();

  return db.user.create({
    data: {
      id: randomUUID(),
      tenantId: tenant.id,
      sub: `user-${suffix}`,
      email: `user-${suffix}@example.test`,
      name: `User ${suffix}`,
      ...overrides,
    },
  });
};

export type SeededRequest = {
  request: BackchannelRequest;
  link: ApprovalLink;
  /** Plaintext auth_req_id (only its hash is stored). */
  authReqId: string;
  /** Plaintext approval link token (only its hash is stored). */
  approvalToken: string;
};

/**
 * A pending CIBA request with its approval link, as bc-authorize writes it.
 * Defaults: scope "openid email", binding message "A1B2", expires in 300 s
 * from `now`, the client's poll interval.
 */
export const seedPendingRequest = async (
  db: Db,
  options: {
    tenant: Pick<Tenant, 'id'>;
    client: Pick<Client, 'id' | 'pollInterval'>;
    user: Pick<User, 'id'>;
    now?: Date;
    expiresInSeconds?: number;
    overrides?: Partial<Omit<BackchannelRequest, 'tenantId' | 'clientId' | 'userId'>>;
  },
): Promise<SeededRequest> => {
  const { tenant, client, user, now = new Date(), expiresInSeconds = 300, overrides = {} } = options;
  const authReqId = randomToken(AUTH_REQ_ID_BYTES);
  const approval = issueApprovalLinkToken();
  const requestId = overrides.id ?? randomUUID();
  const request = await db.backchannelRequest.create({
    data: {
      id: requestId,
      tenantId: tenant.id,
      clientId: client.id,
      userId: user.id,
      authReqIdHash: sha256Base64Url(authReqId),
      scope: 'openid email',
      bindingMessage: 'A1B2',
      interval: client.pollInterval,
      expiresAt: new Date(now.getTime() + expiresInSeconds * 1000),
      createdAt: now,
      ...overrides,
      approvalLinks: { create: { id: randomUUID(), tokenHash: approval.tokenHash, channel: 'email', createdAt: now } },
    },
    include: { approvalLinks: true },
  });
  const { approvalLinks, ...requestRow } = request;

  return { request: requestRow, link: approvalLinks[0], authReqId, approvalToken: approval.token };
};
