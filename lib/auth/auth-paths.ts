// Where the console's sign-in lives. Safe to import from client components.

/** The console's home: the tenant list. */
export const CONSOLE_HOME_PATH = '/admin';

/** The email form; Auth.js's sign-in and error pages point here (errors as `?error=<type>`). */
export const SIGN_IN_PATH = '/admin/sign-in';

/** The neutral "check your email" page, for every address, known or not. */
export const CHECK_EMAIL_PATH = '/admin/sign-in/check-email';

/** What the emailed link opens: one click there uses the link (a GET never signs anyone in). */
export const CONFIRM_SIGN_IN_PATH = '/admin/sign-in/confirm';

/** Auth.js's id of the email provider (next-auth's Resend provider). */
export const EMAIL_PROVIDER_ID = 'resend';

/** Auth.js's routes, under app/api/auth/[...nextauth]. */
export const AUTH_BASE_PATH = '/api/auth';

/** Where a magic link is used (POST only; see lib/auth/auth-route-handlers.ts). */
export const EMAIL_CALLBACK_PATH = `${AUTH_BASE_PATH}/callback/${EMAIL_PROVIDER_ID}`;
