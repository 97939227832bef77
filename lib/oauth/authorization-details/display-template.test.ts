import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatMasked,
  formatMoney,
  renderAuthorizationDetail,
  renderField,
  summarizeAuthorizationDetails,
  ZDisplayTemplateSchema,
  type DisplayTemplate,
} from '@/lib/oauth/authorization-details/display-template';

const PAYMENT = {
  type: 'payment_initiation',
  instructedAmount: { currency: 'EUR', amount: '1250.5' },
  creditorName: 'Merchant A',
  creditorAccount: { iban: 'DE02 1001 0010 0000 1234' },
  executionDate: '2026-11-25',
  actions: ['initiate', 'status', 'cancel'],
};

const TEMPLATE: DisplayTemplate = {
  summary: 'Payment of {instructedAmount} to {creditorAccount.iban}',
  fields: [
    { field: 'instructedAmount', label: 'Amount', kind: 'money' },
    { field: 'creditorName', label: 'To', kind: 'text' },
    { field: 'creditorAccount.iban', label: 'Account', kind: 'masked' },
    { field: 'executionDate', label: 'On', kind: 'date' },
    { field: 'actions', label: 'Actions', kind: 'list' },
  ],
};

describe('display template field kinds', () => {
  it('money: an { amount, currency } object, with the currency code and its decimals', () => {
    expect(renderField(PAYMENT, { field: 'instructedAmount', label: 'Amount', kind: 'money' })).toEqual({
      label: 'Amount',
      value: 'EUR 1,250.50',
    });
    expect(formatMoney(3, 'JPY')).toBe('JPY 3');
    expect(formatMoney('12.5', 'usd')).toBe('USD 12.50');
  });

  it('money: a bare amount takes the template’s currency; an unknown code or a non-number stays readable', () => {
    expect(renderField({ total: 99 }, { field: 'total', label: 'Total', kind: 'money', currency: 'GBP' })).toEqual({
      label: 'Total',
      value: 'GBP 99.00',
    });
    expect(formatMoney('n/a', 'EUR')).toBe('EUR n/a');
    expect(formatMoney(5, 'euros')).toBe('EUROS 5');
  });

  it('masked: only the last digits (default 4, spaces ignored); short values fully masked', () => {
    expect(renderField(PAYMENT, { field: 'creditorAccount.iban', label: 'Account', kind: 'masked' })).toEqual({
      label: 'Account',
      value: '…1234',
    });
    expect(formatMasked('123456789', 2)).toBe('…89');
    expect(formatMasked('123', 4)).toBe('••••');
    expect(formatMasked('123456', 0)).toBe('••••');
  });

  it('date: a date, or a date-time in UTC; anything else as text', () => {
    expect(renderField(PAYMENT, { field: 'executionDate', label: 'On', kind: 'date' })).toEqual({
      label: 'On',
      value: '25 Nov 2026',
    });
    expect(formatDate('2026-11-25T14:03:00Z')).toBe('25 Nov 2026, 14:03 UTC');
    expect(formatDate('soon')).toBe('soon');
  });

  it('list: one entry per element (a single value is a list of one)', () => {
    expect(renderField(PAYMENT, { field: 'actions', label: 'Actions', kind: 'list' })).toEqual({
      label: 'Actions',
      items: ['initiate', 'status', 'cancel'],
    });
    expect(renderField({ actions: 'read' }, { field: 'actions', label: 'Actions', kind: 'list' })).toEqual({
      label: 'Actions',
      items: ['read'],
    });
  });

  it('text: scalars as text, objects as "key: value" pairs (never raw JSON), array positions in paths', () => {
    expect(renderField(PAYMENT, { field: 'creditorName', label: 'To', kind: 'text' })).toEqual({
      label: 'To',
      value: 'Merchant A',
    });
    expect(renderField({ a: { accountId: 'x', active: true } }, { field: 'a', label: 'A', kind: 'text' })).toEqual({
      label: 'A',
      value: 'Account id: x, Active: Yes',
    });
    expect(renderField({ list: [{ n: 1 }, { n: 2 }] }, { field: 'list.1.n', label: 'N', kind: 'text' })).toEqual({
      label: 'N',
      value: '2',
    });
  });

  it('a field the item lacks is left out', () => {
    expect(renderField(PAYMENT, { field: 'remittance', label: 'Reference', kind: 'text' })).toBeNull();
  });
});

describe('renderAuthorizationDetail', () => {
  it('shows the item through its template, with the title and the filled summary', () => {
    expect(renderAuthorizationDetail(PAYMENT, { type: 'payment_initiation', title: 'Payment', template: TEMPLATE })).toEqual({
      title: 'Payment',
      summary: 'Payment of EUR 1,250.50 to …1234',
      rows: [
        { label: 'Amount', value: 'EUR 1,250.50' },
        { label: 'To', value: 'Merchant A' },
        { label: 'Account', value: '…1234' },
        { label: 'On', value: '25 Nov 2026' },
        { label: 'Actions', items: ['initiate', 'status', 'cancel'] },
      ],
    });
  });

  it('without a template: every field but type, labelled from its name, nested objects flattened', () => {
    expect(
      renderAuthorizationDetail(
        { type: 'account_information', actions: ['read_balances'], account: { iban: 'X1', currency: 'EUR' }, limit: 3 },
        undefined,
      ),
    ).toEqual({
      title: 'Account information',
      summary: 'Account information',
      rows: [
        { label: 'Actions', items: ['read_balances'] },
        { label: 'Account · Iban', value: 'X1' },
        { label: 'Account · Currency', value: 'EUR' },
        { label: 'Limit', value: '3' },
      ],
    });
  });

  it('summarizes several items for the email', () => {
    const payment = renderAuthorizationDetail(PAYMENT, { type: 'payment_initiation', title: 'Payment', template: TEMPLATE });
    const accounts = renderAuthorizationDetail({ type: 'account_information' }, undefined);
    expect(summarizeAuthorizationDetails([payment, accounts])).toBe(
      '2 items: Payment of EUR 1,250.50 to …1234; Account information',
    );
    expect(summarizeAuthorizationDetails([accounts])).toBe('Account information');
    expect(summarizeAuthorizationDetails(Array(7).fill(accounts))).toMatch(/^7 items: .*; and 2 more$/);
  });
});

describe('ZDisplayTemplateSchema', () => {
  it('accepts the documented format', () => {
    expect(ZDisplayTemplateSchema.safeParse(TEMPLATE).success).toBe(true);
  });

  it.each([
    ['an unknown kind', { fields: [{ field: 'a', label: 'A', kind: 'json' }] }, 'fields.0.kind'],
    ['a malformed path', { fields: [{ field: 'a..b', label: 'A', kind: 'text' }] }, 'fields.0.field'],
    ['an empty label', { fields: [{ field: 'a', label: ' ', kind: 'text' }] }, 'fields.0.label'],
    ['no fields', { fields: [] }, 'fields'],
    ['an unknown member', { fields: [{ field: 'a', label: 'A', kind: 'text', colour: 'red' }] }, 'fields.0'],
    ['a bad currency', { fields: [{ field: 'a', label: 'A', kind: 'money', currency: 'euro' }] }, 'fields.0.currency'],
  ])('refuses %s, naming the field', (_name, template, path) => {
    const result = ZDisplayTemplateSchema.safeParse(template);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path.join('.')).toBe(path);
  });
});
