// node-oidc-provider configured as a CIBA poll-mode OP on the SQLite adapter:
// the benchmark peer. Shared by the peer server (bench/peer/server.mjs) and by
// the bench's out-of-band approver (a second Provider on the same file).
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import { openStore, sqliteAdapter } from './sqlite-adapter.mjs';

import { PEER_CLIENT_ID, PEER_CLIENT_SECRET } from './client.mjs';

export { PEER_CLIENT_ID, PEER_CLIENT_SECRET };

/** Bench users are u<i>@bench.test; the login_hint is taken as the account id. */
const isBenchUser = (hint) => /^u\d+@bench\.test$/.test(hint);

const signingJwks = () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' }] };
};

/**
 * The peer's stand-in for Backchannel's email channel, so both servers do the
 * same notification work per bc-authorize: render a text and an HTML email of
 * the same size as Backchannel's approval email (with a fresh single-use link
 * token), store it in an outbox table (an autocommit write, like the rest of
 * this adapter) and print it to the log, as Backchannel's development outbox does.
 */
const outboxNotifier = (dbFile, synchronous) => {
  const store = openStore(dbFile, { synchronous });

  return async (ctx, request, account, client) => {
    const link = `${ctx.oidc.issuer}/approve/${randomBytes(32).toString('base64url')}`;
    const code = request.params?.binding_message ?? '';
    const text = `Hello,\n\n"${client.clientId}" is asking to sign you in.\n\nCode shown on the other device: ${code}\n\n${link}\n\n${'Only approve if you started this on the other device just now and the code matches exactly. '.repeat(8)}`;
    const html = `<!doctype html><html><body><h1>Approve sign-in</h1><p>Code: <b>${code}</b></p><p><a href="${link}">Review</a></p>${'<p style="color:#333;font-family:sans-serif">Only approve if you started this on the other device just now and the code matches exactly.</p>'.repeat(18)}</body></html>`;
    const message = {
      id: randomUUID(),
      requestId: request.jti,
      to: account.accountId,
      subject: `${client.clientId} is asking you to approve a sign-in`,
      text,
      html,
      createdAt: Date.now(),
    };
    store.insertOutbox.run(message);
    console.log(`\n[outbox] ${message.id}\nTo: ${message.to}\nSubject: ${message.subject}\n${text}\n`);
  };
};

export const createPeerProvider = ({ issuer, dbFile, synchronous, notify = 'outbox' }) => {
  const provider = new Provider(issuer, {
    adapter: sqliteAdapter(dbFile, { synchronous }),
    clients: [
      {
        client_id: PEER_CLIENT_ID,
        client_secret: PEER_CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['urn:openid:params:grant-type:ciba'],
        response_types: [],
        redirect_uris: [],
        backchannel_token_delivery_mode: 'poll',
      },
    ],
    jwks: signingJwks(),
    cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        processLoginHint: async (_ctx, hint) => (isBenchUser(hint) ? hint : undefined),
        // validateBindingMessage: the package default.
        validateRequestContext: async () => {}, // request_context is not used
        verifyUserCode: async () => {}, // user_code is not used
        triggerAuthenticationDevice: notify === 'outbox' ? outboxNotifier(dbFile, synchronous) : async () => {},
      },
    },
    ttl: {
      // The package defaults, stated so production mode does not warn.
      BackchannelAuthenticationRequest: (ctx) =>
        ctx?.oidc?.params.requested_expiry ? Math.min(600, +ctx.oidc.params.requested_expiry) : 600,
      AccessToken: 3600,
      Grant: 14 * 24 * 3600,
      IdToken: 3600,
    },
  });

  return provider;
};

/**
 * Approves a pending request out of band, as the authentication device would:
 * a Grant with the openid scope for the request's account, then
 * backchannelResult().
 */
export const approvePeerRequest = async (provider, authReqId) => {
  const request = await provider.BackchannelAuthenticationRequest.find(authReqId);
  if (!request) throw new Error('peer: BackchannelAuthenticationRequest not found');
  const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
  grant.addOIDCScope('openid');
  await grant.save();
  await provider.backchannelResult(request, grant, { authTime: Math.floor(Date.now() / 1000) });
};

export { errors };
