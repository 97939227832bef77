/**
 * The `backchannel` command line: provisioning tenants, clients and users.
 * Run through bin/backchannel.mjs (`npx backchannel <resource> <action> ...`).
 *
 * Output contract:
 * - `--json`: stdout carries exactly one JSON document and nothing else;
 * - otherwise a human-readable text on stdout;
 * - everything else (migration log lines, errors) goes to stderr;
 * - exit codes: 0 success, 1 failure (AdminError — a refused input is one
 *   stderr line per field, named by its option —, database, environment),
 *   2 usage error (unknown command or option, missing or malformed value).
 *   On failure nothing is written to stdout.
 */
import { parseArgs } from 'node:util';
import { isAdminError, type AdminError } from '@/lib/admin/errors';
import { disconnectDb, getDb } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import { applyMigrations } from '@/scripts/migrations/migrate';
import { COMMANDS, optionForField, TOP_LEVEL_COMMANDS, type CommandSpec } from './commands';
import { isParseArgsError, UsageError } from './usage-error';

export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
};

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const isHelpFlag = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';

const formatTopHelp = (): string => {
  const lines = ['Usage: backchannel <resource> <action> [options] [--json]', '', 'Commands:'];
  for (const [resource, actions] of Object.entries(COMMANDS)) {
    for (const [action, spec] of Object.entries(actions)) {
      lines.push(`  ${`${resource} ${action}`.padEnd(20)} ${spec.summary}`);
    }
  }
  for (const [command, spec] of Object.entries(TOP_LEVEL_COMMANDS)) lines.push(`  ${command.padEnd(20)} ${spec.summary}`);
  lines.push(
    '',
    'Options for every command:',
    '  --json       Print exactly one JSON document on stdout.',
    '  -h, --help   Show help for the command.',
    '',
    'Environment: DATABASE_URL (default file:./data/backchannel.db), BACKCHANNEL_DATA_DIR, APP_URL.',
    'Pending database migrations are applied before every command.',
  );

  return lines.join('\n') + '\n';
};

const formatResourceHelp = (resource: string): string => {
  const lines = [`Usage: backchannel ${resource} <action> [options] [--json]`, '', 'Actions:'];
  for (const [action, spec] of Object.entries(COMMANDS[resource])) lines.push(`  ${action.padEnd(13)} ${spec.summary}`);
  lines.push('', `Run "backchannel ${resource} <action> --help" for its options.`);

  return lines.join('\n') + '\n';
};

const formatCommandHelp = (command: string, spec: CommandSpec): string => {
  const synopsis = Object.entries(spec.options)
    .map(([name, option]) => {
      const usage = option.flag ? `--${name}` : `--${name} ${option.value}`;

      return option.required ? usage : `[${usage}]`;
    })
    .join(' ');
  const optionRows: [string, string][] = [
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      `--${name} ${option.value}`,
      option.required ? `${option.description} Required.` : option.description,
    ]),
    ['--json', 'Print exactly one JSON document on stdout.'],
    ['-h, --help', 'Show this help.'],
  ];
  const width = Math.max(...optionRows.map(([flag]) => flag.length));

  return (
    [
      `Usage: backchannel ${command} ${synopsis} [--json]`.replace(/ {2,}/g, ' '),
      '',
      spec.summary,
      '',
      'Options:',
      ...optionRows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
      '',
      'Examples:',
      ...spec.examples.map((example) => `  ${example}`),
    ].join('\n') + '\n'
  );
};

/** An AdminError for stderr: one line per refused field, named by the option that set it. */
const formatAdminError = (error: AdminError, spec: CommandSpec): string => {
  if (error.fields.length === 0) return `backchannel: ${error.message}\n`;

  return error.fields
    .map(({ path, message }) => `backchannel: ${path ? `${optionForField(spec, path)}: ` : ''}${message}\n`)
    .join('');
};

type ResolvedCommand =
  | { kind: 'help'; text: string }
  | { kind: 'run'; command: string; spec: CommandSpec; values: Record<string, string | undefined>; isJson: boolean };

/** Resolves `<resource> <action> [options]` into a command and its option values, or help text. */
const resolveCommand = (argv: readonly string[]): ResolvedCommand => {
  const [resource, action, ...rest] = argv;
  if (resource === undefined) throw new UsageError('No command given.');
  if (isHelpFlag(resource)) return { kind: 'help', text: formatTopHelp() };
  if (Object.hasOwn(TOP_LEVEL_COMMANDS, resource)) {
    return parseCommandLine(resource, TOP_LEVEL_COMMANDS[resource], argv.slice(1));
  }
  if (!Object.hasOwn(COMMANDS, resource)) throw new UsageError(`Unknown command "${resource}".`);
  if (isHelpFlag(action)) return { kind: 'help', text: formatResourceHelp(resource) };
  if (action === undefined) throw new UsageError(`"${resource}" needs an action.`, resource);
  if (!Object.hasOwn(COMMANDS[resource], action)) {
    throw new UsageError(`Unknown command "${resource} ${action}".`, resource);
  }

  return parseCommandLine(`${resource} ${action}`, COMMANDS[resource][action], rest);
};

/** A command's options (everything after its name), or its help. */
const parseCommandLine = (command: string, spec: CommandSpec, rest: readonly string[]): ResolvedCommand => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(
          Object.entries(spec.options).map(([name, option]) => [
            name,
            { type: option.flag ? ('boolean' as const) : ('string' as const) },
          ]),
        ),
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(error.message, command);
    throw error;
  }
  const { json, help, ...values } = parsed.values;
  if (help) return { kind: 'help', text: formatCommandHelp(command, spec) };
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && values[name] === undefined) throw new UsageError(`Missing required option --${name}.`, command);
  }

  // A valueless flag (e.g. --fapi) is passed on as "true".
  const strings = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value === true ? 'true' : value]));

  return { kind: 'run', command, spec, values: strings as Record<string, string | undefined>, isJson: json === true };
};

/** BACKCHANNEL_DEBUG; off when the environment itself is invalid (that error is the one being reported). */
const isDebugOn = (): boolean => {
  try {
    return getBaseEnv().debug;
  } catch {
    return false;
  }
};

/**
 * Runs one command line (without the `node` and script arguments) and
 * returns the exit code. Applies pending migrations first and closes the
 * database client before returning, so the process can end promptly.
 */
export const runCli = async (argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> => {
  let resolved: ResolvedCommand;
  try {
    resolved = resolveCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const hint = `Run "backchannel ${error.command ? `${error.command} ` : ''}--help" for usage.`;
    io.stderr(`backchannel: ${error.message}\n${hint}\n`);

    return 2;
  }
  if (resolved.kind === 'help') {
    io.stdout(resolved.text);

    return 0;
  }

  try {
    const opensDatabase = resolved.spec.opensDatabase !== false;
    if (opensDatabase) await applyMigrations({ log: (line) => io.stderr(`backchannel: ${line}\n`) });
    // A command that opens the database file itself gets no client: opening one would create a missing SQLite file.
    const result = await resolved.spec.run(opensDatabase ? getDb() : (undefined as never), resolved.values);
    io.stdout(resolved.isJson ? JSON.stringify(result) + '\n' : resolved.spec.formatHuman(result as never) + '\n');

    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`backchannel: ${error.message}\nRun "backchannel ${resolved.command} --help" for usage.\n`);

      return 2;
    }
    if (isAdminError(error)) {
      io.stderr(formatAdminError(error, resolved.spec));

      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`backchannel: ${resolved.command} failed: ${message}\n`);
    if (error instanceof Error && error.stack && isDebugOn()) io.stderr(`${error.stack}\n`);

    return 1;
  } finally {
    await disconnectDb();
  }
};

/**
 * Process entry point (bin/backchannel.mjs): keeps stdout for the command's
 * output by sending any library console output to stderr, runs the command,
 * and exits with its code once stdout has been flushed.
 */
export const main = async (argv: readonly string[] = process.argv.slice(2)): Promise<never> => {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;

  let code: number;
  try {
    code = await runCli(argv);
  } catch (error) {
    process.stderr.write(`backchannel: ${error instanceof Error ? error.message : String(error)}\n`);
    code = 1;
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));

  process.exit(code);
};
