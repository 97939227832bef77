'use client';

// The tenant memberships of an admin: one checkbox per tenant, submitted as `tenantSlugs`.
import { Checkbox } from '@/components/ui/checkbox';

export type TenantCheckboxesProps = {
  tenants: readonly { slug: string; name: string }[];
  checked?: readonly string[];
  error?: readonly string[];
};

export function TenantCheckboxes({ tenants, checked = [], error }: TenantCheckboxesProps) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-900 dark:text-white">Tenants</legend>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        A tenant admin sees and changes only these. Owners reach every tenant.
      </p>
      {tenants.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">There are no tenants yet.</p>
      ) : (
        <div className="mt-3 grid max-h-56 gap-3 overflow-y-auto sm:grid-cols-2">
          {tenants.map((tenant) => (
            <Checkbox
              key={tenant.slug}
              name="tenantSlugs"
              value={tenant.slug}
              label={tenant.name}
              description={tenant.slug}
              defaultChecked={checked.includes(tenant.slug)}
            />
          ))}
        </div>
      )}
      {error && error.length > 0 ? <p className="mt-2 text-sm text-red-700 dark:text-red-400">{error.join(' ')}</p> : null}
    </fieldset>
  );
}
