import { escapeHtml, formatUtc } from '@/lib/ciba/approval-email';

export type SignInEmailInput = {
  /** The console page the link opens (it asks for one click before the link is used). */
  url: string;
  expires: Date;
};

export type SignInEmail = { subject: string; text: string; html: string };

export const SIGN_IN_EMAIL_SUBJECT = 'Your sign-in link for the Backchannel console';

/**
 * The console's magic-link email: text and HTML with the same content. The
 * link is single-use and short-lived; the email says so and says what to do
 * when it was not asked for.
 */
export const renderSignInEmail = ({ url, expires }: SignInEmailInput): SignInEmail => {
  const until = formatUtc(expires);
  const text = [
    'Hello,',
    '',
    'Someone (hopefully you) asked to sign in to the Backchannel admin console with this address.',
    '',
    `Open this link to sign in (it works once, until ${until}):`,
    url,
    '',
    'If you did not ask for it, ignore this email: nobody can sign in without the link.',
    'Never forward this email.',
    '',
    '— Backchannel',
  ].join('\n');

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="referrer" content="no-referrer"><title>${e(SIGN_IN_EMAIL_SUBJECT)}</title></head>
<body style="margin:0;padding:24px;background:#f8fafc;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#0f172a;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:12px;padding:32px">
<p style="margin:0 0 16px">Hello,</p>
<p style="margin:0 0 24px">Someone (hopefully you) asked to sign in to the <strong>Backchannel admin console</strong> with this address.</p>
<p style="margin:0 0 24px"><a href="${e(url)}" style="display:inline-block;background:#4f46e5;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">Sign in to the console</a></p>
<p style="margin:0 0 8px;color:#475569;font-size:14px">The link works once, until ${e(until)}. If the button does not work, paste this address into your browser:</p>
<p style="margin:0 0 24px;font-size:13px;word-break:break-all"><a href="${e(url)}" style="color:#4338ca">${e(url)}</a></p>
<p style="margin:0;color:#475569;font-size:14px">If you did not ask for it, ignore this email: nobody can sign in without the link. Never forward this email.</p>
</div>
</body>
</html>
`;

  return { subject: SIGN_IN_EMAIL_SUBJECT, text, html };
};
