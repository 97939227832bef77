import type { Client, EmailMessage, User } from '@/lib/generated/sqlite/client';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * The reads and writes the protocol endpoints' hot paths make, behind one
 * interface so each database gets the fastest correct implementation:
 * prepared statements with durable group commit on SQLite, named statements
 * with one round trip per operation on PostgreSQL. Everything else
 * (provisioning, approval, redemption) goes through Prisma.
 */
export type TenantRow = TenantRecord;
export type ClientRow = Client;
export type UserRow = Pick<User, 'id' | 'tenantId' | 'sub' | 'email' | 'emailVerified' | 'name'>;

/** What a token poll needs of a request: one indexed read by the hash of auth_req_id. */
export type PollRow = {
  id: string;
  clientId: string;
  /** The subject of the request's user (joined by primary key), for the tokens. */
  userSub: string;
  status: string;
  scope: string;
  acr: string | null;
  interval: number;
  lastPolledAt: Date | null;
  expiresAt: Date;
  decidedAt: Date | null;
};

export type NewBackchannelRequest = {
  id: string;
  tenantId: string;
  clientId: string;
  userId: string;
  authReqIdHash: string;
  scope: string;
  bindingMessage: string | null;
  acrValues: string | null;
  acr: string | null;
  interval: number;
  expiresAt: Date;
  createdAt: Date;
  approvalLink: { id: string; tokenHash: string; channel: string };
  /** The notification's EmailMessage row, stored in the same write. */
  notification?: EmailMessage;
};

export type EmailOutcome = Pick<EmailMessage, 'status' | 'providerMessageId' | 'error' | 'sentAt'>;

export type ProtocolStore = {
  readSettingsEpoch(): Promise<number>;
  findTenantBySlug(slug: string): Promise<TenantRow | null>;
  findClientByClientId(clientId: string): Promise<ClientRow | null>;
  findUserBySub(tenantId: string, sub: string): Promise<UserRow | null>;
  findUserByEmail(tenantId: string, email: string): Promise<UserRow | null>;
  findRequestForPoll(authReqIdHash: string): Promise<PollRow | null>;
  /**
   * Records a poll of a pending request, only if its last poll time is still
   * `previousPolledAt` (so overlapping polls cannot both count as spaced);
   * adds `intervalIncrement` seconds to the interval. Durable when it resolves.
   * Resolves false when the condition did not match.
   */
  recordPoll(options: { id: string; previousPolledAt: Date | null; now: Date; intervalIncrement: number }): Promise<boolean>;
  /**
   * Moves an approved, unexpired request to "redeemed" with the issued access
   * token's jti, in one conditional update: resolves true for exactly one caller.
   */
  redeemRequest(options: { id: string; now: Date; accessTokenJti: string }): Promise<boolean>;
  /** Marks the tokens a redeemed request produced as revoked (a replayed auth_req_id). */
  revokeRedeemedTokens(options: { id: string; now: Date }): Promise<void>;
  /** Inserts the request, its approval link and its notification atomically; durable when it resolves. */
  createRequest(request: NewBackchannelRequest): Promise<void>;
  /** Records an email sent, failed or kept in the development outbox; durable when it resolves. */
  recordEmail(message: EmailMessage): Promise<void>;
  /** Records what the email provider answered for a "sending" email. */
  recordEmailOutcome(id: string, outcome: EmailOutcome): Promise<void>;
  close(): Promise<void>;
};
