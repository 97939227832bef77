// Reading a submitted form into a domain function's input. Only decoding (text to number, a switch's
// presence to a boolean); validation is the domain function's job, so a value that is not a number is
// passed on as typed and refused there, with its message next to the field.

/** A text field as typed (undefined when the form has no such field). */
export const textOf = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);

  return typeof value === 'string' ? value : undefined;
};

/** A text field, or null when left blank (an optional value cleared). */
export const optionalTextOf = (form: FormData, name: string): string | null | undefined => {
  const value = textOf(form, name);
  if (value === undefined) return undefined;

  return value.trim() === '' ? null : value;
};

/** A numeric field: the number when it reads as one, else the text as typed (for the domain to refuse). */
export const numberOf = (form: FormData, name: string): number | string | undefined => {
  const value = textOf(form, name);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const number = Number(trimmed);

  return trimmed !== '' && Number.isFinite(number) ? number : value;
};

/** A Switch or Checkbox with `name`: present (on) or absent (off). */
export const switchOf = (form: FormData, name: string): boolean => form.has(name);

/** Every checked value of a group of checkboxes sharing `name`. */
export const checkedValuesOf = (form: FormData, name: string): string[] =>
  form.getAll(name).filter((value): value is string => typeof value === 'string');

/** A JSON field: the parsed value, null when blank, else the text as typed (for the domain to refuse). */
export const jsonOf = (form: FormData, name: string): unknown => {
  const value = optionalTextOf(form, name);
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/**
 * The client's keys from the console's key fields: `keys_source` picks
 * inline `jwks` (JSON), a `jwks_uri`, or none; the other source is null (one
 * source of keys). Undefined (unchanged) when the form has no key fields.
 */
export const clientKeysOf = (form: FormData): { jwks: unknown; jwks_uri: string | null } | undefined => {
  const source = textOf(form, 'keys_source');
  if (source === undefined) return undefined;

  return {
    jwks: source === 'jwks' ? jsonOf(form, 'jwks') : null,
    jwks_uri: source === 'jwks_uri' ? (optionalTextOf(form, 'jwks_uri') ?? null) : null,
  };
};
