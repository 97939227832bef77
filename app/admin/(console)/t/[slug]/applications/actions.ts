'use server';

import { revalidatePath } from 'next/cache';
import type { CreatedApplication } from '@/components/console/create-application-dialog';
import { checkedValuesOf, clientKeysOf, numberOf, optionalTextOf, switchOf, textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { createClient } from '@/lib/admin/create-client';
import { deleteClient } from '@/lib/admin/delete-client';
import { rotateClientSecret } from '@/lib/admin/rotate-client-secret';
import { updateClient } from '@/lib/admin/update-client';
import { getDb } from '@/lib/db/client';

const applicationsPath = (tenantSlug: string) => `/admin/t/${encodeURIComponent(tenantSlug)}/applications`;

export async function createApplicationAction(
  _previous: ActionResult<CreatedApplication> | null,
  form: FormData,
): Promise<ActionResult<CreatedApplication>> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const created = await createClient(getDb(), principal, {
      tenantSlug,
      // Fields the dialog does not show (they depend on the method, or FAPI-CIBA sets them) are left out:
      // createClient gives them the profile's, the tenant's or the general defaults.
      metadata: {
        client_name: textOf(form, 'client_name'),
        token_endpoint_auth_method: textOf(form, 'token_endpoint_auth_method'),
        binding_message_policy: textOf(form, 'binding_message_policy'),
        ...clientKeysOf(form),
        tls_client_auth_subject_dn: optionalTextOf(form, 'tls_client_auth_subject_dn'),
        fapi_ciba: switchOf(form, 'fapi_ciba'),
      },
    });
    revalidatePath(applicationsPath(tenantSlug));

    return actionSuccess(`Application ${created.client_name} created.`, {
      client_id: created.client_id,
      client_secret: created.client_secret,
      client_name: created.client_name,
      token_endpoint_auth_method: created.token_endpoint_auth_method,
      fapi_ciba: created.fapi_ciba,
    });
  });
}

export async function updateApplicationAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const client = await updateClient(getDb(), principal, {
      tenantSlug,
      clientId: textOf(form, 'clientId') ?? '',
      metadata: {
        client_name: textOf(form, 'client_name'),
        grant_types: checkedValuesOf(form, 'grant_types'),
        backchannel_token_delivery_mode: textOf(form, 'backchannel_token_delivery_mode'),
        backchannel_client_notification_endpoint: optionalTextOf(form, 'backchannel_client_notification_endpoint'),
        backchannel_poll_interval: numberOf(form, 'backchannel_poll_interval'),
        backchannel_long_poll_timeout: numberOf(form, 'backchannel_long_poll_timeout'),
        binding_message_policy: textOf(form, 'binding_message_policy'),
        binding_message_max_length: numberOf(form, 'binding_message_max_length'),
        binding_message_charset: textOf(form, 'binding_message_charset'),
        min_requested_expiry: numberOf(form, 'min_requested_expiry'),
        default_requested_expiry: numberOf(form, 'default_requested_expiry'),
        max_requested_expiry: numberOf(form, 'max_requested_expiry'),
        id_token_signed_response_alg: textOf(form, 'id_token_signed_response_alg'),
        access_token_lifetime: numberOf(form, 'access_token_lifetime'),
        id_token_lifetime: numberOf(form, 'id_token_lifetime'),
        refresh_token_lifetime: numberOf(form, 'refresh_token_lifetime'),
        authorization_details_types: (textOf(form, 'authorization_details_types') ?? '')
          .split(',')
          .map((type) => type.trim())
          .filter(Boolean),
      },
    });
    revalidatePath(applicationsPath(tenantSlug), 'layout');

    return actionSuccess(`Settings of ${client.client_name} saved.`);
  });
}

/**
 * The "Client authentication" card: the method and everything it needs, and
 * the security settings. The card sends its whole state: a field it hides
 * (a subject DN for a method that has none) is null. A switch to a
 * client_secret_* method returns the new secret, shown once.
 */
export async function updateApplicationAuthAction(
  _previous: ActionResult<{ client_secret?: string }> | null,
  form: FormData,
): Promise<ActionResult<{ client_secret?: string }>> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const client = await updateClient(getDb(), principal, {
      tenantSlug,
      clientId: textOf(form, 'clientId') ?? '',
      metadata: {
        token_endpoint_auth_method: textOf(form, 'token_endpoint_auth_method'),
        ...clientKeysOf(form),
        tls_client_auth_subject_dn: optionalTextOf(form, 'tls_client_auth_subject_dn') ?? null,
        token_endpoint_auth_signing_alg: optionalTextOf(form, 'token_endpoint_auth_signing_alg') ?? null,
        backchannel_authentication_request_signing_alg:
          optionalTextOf(form, 'backchannel_authentication_request_signing_alg') ?? null,
        backchannel_user_code_parameter: switchOf(form, 'backchannel_user_code_parameter'),
        require_passkey_approval: switchOf(form, 'require_passkey_approval'),
        fapi_ciba: switchOf(form, 'fapi_ciba'),
        id_token_hint_grace_period: numberOf(form, 'id_token_hint_grace_period'),
      },
    });
    revalidatePath(applicationsPath(tenantSlug), 'layout');

    return actionSuccess(
      `Client authentication of ${client.client_name} saved.`,
      client.client_secret === undefined ? {} : { client_secret: client.client_secret },
    );
  });
}

export async function rotateSecretAction(tenantSlug: string, clientId: string): Promise<ActionResult<{ client_secret: string }>> {
  return runAdminAction(async (principal) => {
    const { client_secret } = await rotateClientSecret(getDb(), principal, { tenantSlug, clientId });

    return actionSuccess('Secret rotated: the previous one no longer works.', { client_secret });
  });
}

export async function deleteApplicationAction(tenantSlug: string, clientId: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const { deleted } = await deleteClient(getDb(), principal, { tenantSlug, clientId });
    if (!deleted) return actionFailure('That application does not exist (it may have been deleted already).');
    revalidatePath(applicationsPath(tenantSlug));

    return actionSuccess('Application deleted.');
  });
}
