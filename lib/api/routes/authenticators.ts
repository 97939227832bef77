// /api/v1/tenants/{slug}/users/{id}/authenticator… — the users' authenticator app (issue 13)
import { z } from 'zod';
import {
  listAuthenticatorDevices,
  revokeAuthenticatorDevice,
  sendAuthenticatorEnrollment,
  type AuthenticatorDeviceView,
  type AuthenticatorEnrollmentView,
} from '@/lib/admin/authenticator-devices';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZErrorSchemas } from '@/lib/api/schemas';

const TAGS = ['Authenticators'];

export const ZAuthenticatorDeviceSchema = z
  .object({
    id: z.string().meta({ description: 'The device’s id (`/authenticators/{device_id}`).' }),
    name: z.string().meta({ description: 'The name the device gave itself at enrolment.' }),
    created_at: z.iso.datetime().meta({ description: 'When the device was enrolled.' }),
    last_used_at: z.iso.datetime().nullable().meta({ description: 'When its passkey last signed in or decided; null if never.' }),
    push: z.boolean().meta({ description: 'Whether the device has a Web Push subscription (notifications reach it).' }),
  })
  .meta({ title: 'AuthenticatorDevice' }) satisfies z.ZodType<AuthenticatorDeviceView>;

export const ZAuthenticatorEnrollmentSchema = z
  .object({
    id: z.string().meta({ description: 'The enrolment’s id.' }),
    user_id: z.string(),
    email: z.string().meta({ description: 'Where the link is emailed.' }),
    expires_at: z.iso.datetime().meta({ description: 'When the link stops working (24 hours).' }),
  })
  .meta({ title: 'AuthenticatorEnrollment' }) satisfies z.ZodType<AuthenticatorEnrollmentView>;

export const AUTHENTICATOR_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/users/{id}/authenticator-enrollments',
    operationId: 'sendAuthenticatorEnrollment',
    summary: 'Email the user an authenticator enrolment link',
    description:
      'Queues an email with a single-use link (valid 24 hours) that enrols the authenticator app on the device it is ' +
      'opened on: a passkey with user verification, and Web Push when the device allows it. Opening it proves control ' +
      'of the mailbox. The email is sent through the outbox after the answer (202).',
    tags: TAGS,
    responses: {
      202: { description: 'The link is created; its email follows.', schema: ZAuthenticatorEnrollmentSchema },
      409: {
        description: 'The user is blocked, or was emailed a link less than a minute ago.',
        schema: ZErrorSchemas.conflict,
      },
    },
    handler: async ({ db, principal, params }) => ({
      status: 202,
      body: await sendAuthenticatorEnrollment(db, principal, { tenantSlug: params.slug, id: params.id }),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/users/{id}/authenticators',
    operationId: 'listAuthenticators',
    summary: 'List a user’s enrolled authenticators',
    description: 'Oldest first. Never the passkey’s key or the push endpoint.',
    tags: TAGS,
    responses: {
      200: {
        description: 'The user’s devices.',
        schema: z.object({ data: z.array(ZAuthenticatorDeviceSchema) }).meta({ title: 'AuthenticatorDeviceList' }),
      },
    },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: { data: await listAuthenticatorDevices(db, principal, { tenantSlug: params.slug, id: params.id }) },
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tenants/{slug}/users/{id}/authenticators/{device_id}',
    operationId: 'revokeAuthenticator',
    summary: 'Revoke a user’s authenticator',
    description:
      'Deletes the device: its passkey can no longer sign in to the app or approve anything, and its app sessions end ' +
      'at once. Recorded as `authenticator_revoked`.',
    tags: TAGS,
    responses: { 204: { description: 'The device is revoked.' } },
    handler: async ({ db, principal, params }) => {
      await revokeAuthenticatorDevice(db, principal, { tenantSlug: params.slug, id: params.id, deviceId: params.device_id });

      return { status: 204 };
    },
  }),
];
