import { isAdminError } from '@/lib/admin/errors';
import { invalidClientMetadata, invalidRegistrationToken } from '@/lib/oauth/errors';
import { describeFieldErrors } from '@/lib/oauth/registration/registration-metadata';

/**
 * Runs an admin operation for dynamic registration, turning its refusals into
 * registration errors: field errors into 400 invalid_client_metadata
 * (RFC 7591 §3.2.2, `<field>: <message>; …`), a client gone meanwhile into
 * 401 invalid_token (RFC 7592 §2). Anything else propagates (a server_error).
 */
export const asRegistrationOperation = async <T>(operation: () => Promise<T>): Promise<T> => {
  try {
    return await operation();
  } catch (error) {
    if (isAdminError(error) && error.code === 'invalid_input') throw invalidClientMetadata(describeFieldErrors(error.fields));
    if (isAdminError(error) && error.code === 'not_found') throw invalidRegistrationToken(error.message);
    throw error;
  }
};
