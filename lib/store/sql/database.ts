import type {
  AgentUsage,
  ApprovalLink,
  AuthenticatorDevice,
  AuthorizationType,
  BackchannelRequest,
  Client,
  Event as EventRow,
  JwtIdUse,
  OutboxAttempt,
  OutboxMessage,
  RefreshToken,
  RevokedAccessToken,
  SettingsEpoch,
  Tenant,
  TenantRelease,
  TenantUsage,
  TrustedIssuer,
  User,
  UserCodeLink,
  UserUsage,
} from '@/lib/generated/sqlite/client';

/**
 * The tables the request store reads and writes, typed by the models Prisma
 * generates from prisma/schema.prisma (the one schema source), as the
 * application sees them: DateTime columns are Dates, Boolean columns booleans,
 * enums their string unions. The engines convert at the driver boundary.
 */
export type Database = {
  Tenant: Tenant;
  Client: Client;
  User: User;
  BackchannelRequest: BackchannelRequest;
  ApprovalLink: ApprovalLink;
  AuthorizationType: AuthorizationType;
  OutboxMessage: OutboxMessage;
  OutboxAttempt: OutboxAttempt;
  Event: EventRow;
  SettingsEpoch: SettingsEpoch;
  TenantUsage: TenantUsage;
  TenantRelease: TenantRelease;
  UserUsage: UserUsage;
  AgentUsage: AgentUsage;
  TrustedIssuer: TrustedIssuer;
  RefreshToken: RefreshToken;
  RevokedAccessToken: RevokedAccessToken;
  JwtIdUse: JwtIdUse;
  UserCodeLink: UserCodeLink;
  AuthenticatorDevice: AuthenticatorDevice;
};
