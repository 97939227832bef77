// What the global setup provisions and the specs need, passed through a JSON
// file in the run's data directory (its path in env E2E_CONTEXT_FILE).
import { readFileSync } from 'node:fs';

export type E2eClient = {
  tenant: string;
  name: string;
  client_id: string;
  client_secret: string;
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post';
  binding_message_policy: 'required' | 'optional';
};

export type E2eUser = { tenant: string; email: string; name: string; sub: string };

export type E2eContext = {
  /** `http://localhost:<port>`: the issuer base, as the server's APP_URL. */
  appUrl: string;
  server: 'fast' | 'next';
  database: 'sqlite' | 'postgres';
  /** The mock Resend endpoint (GET /__messages). */
  mailUrl: string;
  emailFrom: string;
  /** The server's stdout and stderr. */
  serverLog: string;
  /** What the provisioning CLI needs to reach the run's database. */
  cliEnv: { DATABASE_URL: string; BACKCHANNEL_DATA_DIR: string; APP_URL: string };
  /** The server's own environment (beside the inherited one), to start a second instance of the same deployment. */
  serverEnv: Record<string, string>;
  clients: { acme: E2eClient; acmePost: E2eClient; globex: E2eClient };
  users: { alice: E2eUser; carol: E2eUser };
  /** The console owner (the server's ADMIN_EMAILS). */
  consoleOwnerEmail: string;
};

export const E2E_CONTEXT_ENV = 'E2E_CONTEXT_FILE';

let cached: E2eContext | undefined;

/** The run's context (read once per worker). */
export const e2eContext = (): E2eContext => {
  if (cached) return cached;
  const file = process.env[E2E_CONTEXT_ENV];
  if (!file) throw new Error(`${E2E_CONTEXT_ENV} is not set: run the specs through playwright.config.ts (its global setup).`);
  cached = JSON.parse(readFileSync(file, 'utf8')) as E2eContext;

  return cached;
};

export const issuerOf = (tenant: string): string => `${e2eContext().appUrl}/t/${tenant}`;
