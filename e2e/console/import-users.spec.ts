// Importing 1,000 users from a CSV with some bad rows, in the browser: the valid rows are imported,
// the report lists every bad row with its reason, and the users page pages through the result.
import { expect, expectAccessible, screenshot, test } from './console';

const slug = 'acme';

test('import 1,000 users from a CSV with bad rows and read the report', async ({ page }) => {
  const tag = Date.now().toString(36);
  const lines = ['email,name,email_verified'];
  const bad = new Map<number, string>();
  for (let index = 0; index < 1000; index += 1) {
    const line = index + 2;
    if (index % 100 === 7) {
      lines.push(`not-an-email-${index},Broken ${index},true`);
      bad.set(line, 'email');
    } else if (index % 100 === 42) {
      lines.push(`imported.${tag}.${index - 1}@example.com,Duplicate ${index},true`);
      bad.set(line, 'duplicate');
    } else if (index === 500) {
      lines.push(`imported.${tag}.${index}@example.com,"${'x'.repeat(150)}",true`);
      bad.set(line, 'name');
    } else {
      lines.push(`imported.${tag}.${index}@example.com,"Imported, ${index}",${index % 2 === 0 ? 'true' : 'false'}`);
    }
  }

  await page.goto(`/admin/t/${slug}/users`);
  await page.getByRole('button', { name: 'Import users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import users' });
  await dialog.getByLabel('File').setInputFiles({
    name: 'users.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.join('\n') + '\n'),
  });
  await dialog.getByRole('button', { name: 'Import' }).click();

  const report = dialog.getByRole('status');
  await expect(report).toContainText(`${1000 - bad.size} users imported; ${bad.size} rows not imported.`, { timeout: 20_000 });
  const failures = dialog.getByRole('table', { name: 'Rows that were not imported' });
  await expect(failures.getByRole('row')).toHaveCount(bad.size + 1);
  for (const [line, why] of bad) {
    const row = failures.getByRole('row').filter({ has: page.getByRole('cell', { name: String(line), exact: true }) });
    await expect(row, `row ${line} (${why})`).toHaveCount(1);
  }
  await expectAccessible(page);
  await screenshot(page, 'import-report');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // The imported users are there, 50 to a page, in email order.
  await page.getByRole('searchbox', { name: 'Search users' }).fill(`imported.${tag}.`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('link', { name: `imported.${tag}.0@example.com`, exact: true })).toBeVisible();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(51);
  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL(/cursor=/);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(51);
  await expect(page.getByRole('link', { name: 'First page' })).toBeVisible();
});
