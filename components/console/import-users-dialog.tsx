'use client';

import { Upload } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { ImportUsersReport } from '@/lib/admin/import-users';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

/** The per-row report of an import: how many were created, and every row that was not, with why. */
export function ImportReport({ report }: { report: ImportUsersReport }) {
  return (
    <div className="space-y-4">
      <p role="status" className="text-sm text-slate-700 dark:text-slate-300">
        <strong className="font-semibold text-slate-900 dark:text-white">{report.created}</strong>{' '}
        {report.created === 1 ? 'user' : 'users'} imported;{' '}
        <strong className="font-semibold text-slate-900 dark:text-white">{report.failed.length}</strong>{' '}
        {report.failed.length === 1 ? 'row' : 'rows'} not imported.
      </p>
      {report.failed.length > 0 ? (
        <div className="max-h-80 overflow-auto rounded-lg ring-1 ring-slate-200 dark:ring-white/10" tabIndex={0}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Rows that were not imported</caption>
            <thead className="sticky top-0 bg-slate-50 dark:bg-slate-800">
              <tr>
                <th scope="col" className="px-3 py-2 text-xs font-semibold text-slate-600 dark:text-slate-300">
                  Row
                </th>
                <th scope="col" className="px-3 py-2 text-xs font-semibold text-slate-600 dark:text-slate-300">
                  Email
                </th>
                <th scope="col" className="px-3 py-2 text-xs font-semibold text-slate-600 dark:text-slate-300">
                  Why
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-white/10">
              {report.failed.map((failure) => (
                <tr key={failure.row}>
                  <td className="px-3 py-2 font-mono text-xs tabular-nums">{failure.row}</td>
                  <td className="px-3 py-2 break-all">{failure.email ?? '—'}</td>
                  <td className="px-3 py-2">
                    {failure.errors.map((error) => (error.path ? `${error.path} ${error.message}` : error.message)).join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

export type ImportUsersDialogProps = { tenantSlug: string; action: ConsoleAction<ImportUsersReport> };

export function ImportUsersDialog({ tenantSlug, action }: ImportUsersDialogProps) {
  const router = useRouter();

  return (
    <FormDialog
      trigger={{ label: 'Import users', icon: <Upload />, variant: 'secondary' }}
      title="Import users"
      description="A CSV file with a header row (email, and optionally name and email_verified), or a JSON array of objects with those members. Valid rows are imported; the others are listed with the reason."
      action={action}
      submitLabel="Import"
      pendingLabel="Importing…"
      size="lg"
      onSuccess={() => router.refresh()}
      renderSuccess={(report, close) =>
        report ? (
          <div className="space-y-4">
            <ImportReport report={report} />
            <div className="flex justify-end">
              <Button variant="secondary" onClick={close}>
                Done
              </Button>
            </div>
          </div>
        ) : null
      }
    >
      {(errors) => (
        <>
          <input type="hidden" name="tenantSlug" value={tenantSlug} />
          <Field label="File" description="Up to 10,000 rows, 5 MB." error={errors.content ?? errors.file} required>
            <Input name="file" type="file" accept=".csv,.json,text/csv,application/json" className="h-auto py-1.5" />
          </Field>
          <Field label="Format" description="Automatic: from the file name (.json, else CSV)." error={errors.format}>
            <Select
              name="format"
              defaultValue="auto"
              options={[
                { value: 'auto', label: 'Automatic' },
                { value: 'csv', label: 'CSV' },
                { value: 'json', label: 'JSON' },
              ]}
            />
          </Field>
        </>
      )}
    </FormDialog>
  );
}
