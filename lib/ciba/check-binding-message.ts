import { invalidBindingMessage, invalidRequest } from '@/lib/oauth/errors';

export type BindingMessagePolicy = {
  bindingMessagePolicy: string;
  bindingMessageMaxLength: number;
  bindingMessageCharset: string;
};

/** Auth0's binding-message alphabet: letters, digits, space and + - _ . , : # */
const RESTRICTED_CHARSET = /^[A-Za-z0-9 +\-_.,:#]+$/;
/** Any printable text: no control, format, separator-other-than-space or unassigned code points. */
const PRINTABLE_CHARSET = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

/**
 * Applies the client's binding-message policy (CIBA §7.1, §13): required or
 * optional, a maximum length in characters, and a character set. The message
 * is shown on both devices, so it must be short plain text the user can compare.
 *
 * @throws invalid_request when required and missing; invalid_binding_message when unacceptable.
 */
export const checkBindingMessage = (bindingMessage: string | undefined, policy: BindingMessagePolicy): string | null => {
  if (bindingMessage === undefined) {
    if (policy.bindingMessagePolicy === 'required') {
      throw invalidRequest('This client must send a binding_message.');
    }

    return null;
  }
  if (bindingMessage.trim() !== bindingMessage || bindingMessage.trim() === '') {
    throw invalidBindingMessage('The binding_message must not start or end with white space.');
  }
  if ([...bindingMessage].length > policy.bindingMessageMaxLength) {
    throw invalidBindingMessage(`The binding_message must be at most ${policy.bindingMessageMaxLength} characters.`);
  }
  const charset = policy.bindingMessageCharset === 'printable' ? PRINTABLE_CHARSET : RESTRICTED_CHARSET;
  if (!charset.test(bindingMessage)) {
    throw invalidBindingMessage(
      policy.bindingMessageCharset === 'printable'
        ? 'The binding_message must be printable text.'
        : 'The binding_message may only contain letters, digits, spaces and + - _ . , : #',
    );
  }

  return bindingMessage;
};
