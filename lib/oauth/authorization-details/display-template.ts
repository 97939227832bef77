/**
 * How an authorization-details type is shown to the user (approval page,
 * email summary): a display template, defined per type by an administrator.
 *
 * ```json
 * {
 *   "summary": "Payment of {instructedAmount} to {creditorAccount.iban}",
 *   "fields": [
 *     { "field": "instructedAmount", "label": "Amount", "kind": "money" },
 *     { "field": "creditorName", "label": "To", "kind": "text" },
 *     { "field": "creditorAccount.iban", "label": "Account", "kind": "masked", "visible": 4 },
 *     { "field": "executionDate", "label": "On", "kind": "date" },
 *     { "field": "actions", "label": "Actions", "kind": "list" }
 *   ]
 * }
 * ```
 *
 * `field` is a dotted path into the item (`a.b`, array positions as `a.0`).
 * Kinds: `money` (an `{ amount, currency }` object, or a number or numeric
 * string with the template's `currency`), `masked` (only the last `visible`
 * characters, default 4), `date` (ISO 8601 date or date-time), `list` (an
 * array, one entry per element), `text` (anything else, as text).
 * `summary` (optional) is one line for the email, its `{path}` placeholders
 * formatted as the field with that path (or as text).
 */
import { z } from 'zod';

export const FIELD_KINDS = ['money', 'masked', 'date', 'list', 'text'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** A dotted path: property names (no dots) and array positions. */
const FIELD_PATH = /^[^.\s]+(\.[^.\s]+)*$/;
const CURRENCY = /^[A-Z]{3}$/;

const ZTemplateFieldSchema = z.strictObject({
  field: z
    .string({ error: 'must be a dotted path such as "instructedAmount.amount"' })
    .max(200, { error: 'must be at most 200 characters' })
    .regex(FIELD_PATH, { error: 'must be a dotted path such as "instructedAmount.amount"' }),
  label: z
    .string({ error: 'must be text' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(60, { error: 'must be at most 60 characters' }),
  kind: z.enum(FIELD_KINDS, { error: `must be one of ${FIELD_KINDS.join(', ')}` }),
  /** masked: how many trailing characters stay visible (default 4). */
  visible: z.int({ error: 'must be a whole number from 0 to 8' }).min(0).max(8).optional(),
  /** money: the ISO 4217 code when the field holds only the amount. */
  currency: z.string().regex(CURRENCY, { error: 'must be an ISO 4217 code such as "EUR"' }).optional(),
});

export const ZDisplayTemplateSchema = z.strictObject(
  {
    summary: z.string({ error: 'must be text' }).trim().min(1).max(200, { error: 'must be at most 200 characters' }).optional(),
    fields: z
      .array(ZTemplateFieldSchema, { error: 'must be a list of fields' })
      .min(1, { error: 'must list at least one field' })
      .max(30, { error: 'must list at most 30 fields' }),
  },
  {
    error: (issue) => (issue.code === 'invalid_type' ? 'must be an object with "fields" (and optionally "summary")' : undefined),
  },
);
export type DisplayTemplate = z.output<typeof ZDisplayTemplateSchema>;
export type TemplateField = DisplayTemplate['fields'][number];

/** One row as shown: a label with a text value, or with a list of values. */
export type DisplayRow = { label: string; value: string } | { label: string; items: string[] };

/** An item as the user sees it. */
export type DisplayedItem = { title: string; summary: string; rows: DisplayRow[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a dotted path, or undefined. */
export const valueAt = (item: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((current, key) => {
    if (Array.isArray(current)) return /^\d+$/.test(key) ? current[Number(key)] : undefined;

    return isRecord(current) && Object.hasOwn(current, key) ? current[key] : undefined;
  }, item);

/** Text for one scalar; objects become `key: value` pairs, never raw JSON. */
export const formatText = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map(formatText).join(', ');
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([key, entry]) => `${humanize(key)}: ${formatText(entry)}`)
      .join(', ');
  }

  // JSON holds nothing else; anything that is not JSON (a function, a symbol) is not shown.
  return '—';
};

/** `EUR 1,250.00` (the code, grouped, the currency's decimals); unknown codes: `XYZ 12.5`. */
export const formatMoney = (amount: unknown, currency: unknown): string => {
  const number = typeof amount === 'number' ? amount : typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : NaN;
  const code = typeof currency === 'string' ? currency.toUpperCase() : '';
  if (!Number.isFinite(number)) return [code, formatText(amount)].filter(Boolean).join(' ');
  if (!CURRENCY.test(code)) return [code, String(number)].filter(Boolean).join(' ');
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency: code, currencyDisplay: 'code' })
      .format(number)
      .replace(/\u00a0/g, ' ');
  } catch {
    return `${code} ${number}`;
  }
};

/** `…1234`: only the last `visible` characters (spaces ignored); everything shorter is fully masked. */
export const formatMasked = (value: unknown, visible = 4): string => {
  const text = formatText(value).replace(/\s+/g, '');
  if (visible === 0 || text.length <= visible) return '••••';

  return `…${text.slice(-visible)}`;
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `25 Nov 2026` for a date, `25 Nov 2026, 14:03 UTC` for a date-time; anything unparseable as text. */
export const formatDate = (value: unknown): string => {
  if (typeof value !== 'string' && typeof value !== 'number') return formatText(value);
  const date = new Date(typeof value === 'string' && DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return formatText(value);
  const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' };
  if (typeof value === 'string' && DATE_ONLY.test(value)) return new Intl.DateTimeFormat('en-GB', options).format(date);

  return `${new Intl.DateTimeFormat('en-GB', { ...options, hour: '2-digit', minute: '2-digit', hour12: false }).format(date)} UTC`;
};

/** `instructedAmount` → `Instructed amount`; `creditor_account` → `Creditor account`. */
export const humanize = (key: string): string => {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();

  return words.length === 0 ? key : `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
};

/** One template field of an item as a row; null when the item does not have it. */
export const renderField = (item: unknown, field: TemplateField): DisplayRow | null => {
  const value = valueAt(item, field.field);
  if (value === undefined) return null;
  switch (field.kind) {
    case 'money':
      return {
        label: field.label,
        value: isRecord(value) ? formatMoney(value.amount, value.currency) : formatMoney(value, field.currency),
      };
    case 'masked':
      return { label: field.label, value: formatMasked(value, field.visible) };
    case 'date':
      return { label: field.label, value: formatDate(value) };
    case 'list':
      return { label: field.label, items: (Array.isArray(value) ? value : [value]).map(formatText) };
    case 'text':
      return { label: field.label, value: formatText(value) };
  }
};

/**
 * An item with no template: each property but `type`, labelled from its
 * name; nested objects become one row per leaf (`Creditor account · Iban`),
 * arrays a list.
 */
export const renderGenerically = (item: Record<string, unknown>, prefix = ''): DisplayRow[] =>
  Object.entries(item)
    .filter(([key]) => prefix !== '' || key !== 'type')
    .flatMap(([key, value]): DisplayRow[] => {
      const label = prefix === '' ? humanize(key) : `${prefix} · ${humanize(key)}`;
      if (isRecord(value)) return renderGenerically(value, label);
      if (Array.isArray(value)) return [{ label, items: value.map(formatText) }];

      return [{ label, value: formatText(value) }];
    });

/** The template's summary line with its placeholders filled in; missing values are left out. */
const fillSummary = (item: unknown, template: DisplayTemplate, summary: string): string =>
  summary
    .replace(/\{([^{}]+)\}/g, (_, path: string) => {
      const field = template.fields.find((candidate) => candidate.field === path);
      if (field) {
        const row = renderField(item, field);

        return row === null ? '' : 'value' in row ? row.value : row.items.join(', ');
      }
      const value = valueAt(item, path);

      return value === undefined ? '' : formatText(value);
    })
    .replace(/\s+/g, ' ')
    .trim();

/** How a type is shown: its title and template (null: generic rows). */
export type TypeDisplay = { type: string; title: string | null; template: DisplayTemplate | null };

/**
 * An item as the user sees it: its type's title (or its type name) and its
 * fields through the template, or generically when the type has none (or
 * the template matches none of the item's fields).
 */
export const renderAuthorizationDetail = (item: Record<string, unknown>, display: TypeDisplay | undefined): DisplayedItem => {
  const title = display?.title ?? (typeof item.type === 'string' ? humanize(item.type) : 'Authorization');
  const template = display?.template ?? null;
  const templated = template ? template.fields.flatMap((field) => renderField(item, field) ?? []) : [];
  const rows = templated.length > 0 ? templated : renderGenerically(item);
  const summary = template?.summary ? fillSummary(item, template, template.summary) : title;

  return { title, summary: summary === '' ? title : summary, rows };
};

/** The email's one line: `2 items: Payment of EUR 250.00 to …1234; Account information`. */
export const summarizeAuthorizationDetails = (items: DisplayedItem[]): string => {
  const shown = items.slice(0, 5).map((item) => item.summary);
  const rest = items.length - shown.length;
  const list = `${shown.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}`;

  return items.length === 1 ? list : `${items.length} items: ${list}`;
};
