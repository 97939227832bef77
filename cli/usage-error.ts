/** A mistake in the command line itself (unknown command or option, missing value): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** The command whose `--help` the user should read, e.g. "client create"; empty for the top level. */
    readonly command = '',
  ) {
    super(message);
  }
}

/** node:util parseArgs failures (unknown option, missing value, ...) carry ERR_PARSE_ARGS_* codes. */
export const isParseArgsError = (error: unknown): error is Error & { code: string } => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;

  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
};
