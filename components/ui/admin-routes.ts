// The console's URL map, shared by the navigation, the tenant switcher and the breadcrumbs.
// Pages under app/admin/ must live at these paths for the navigation to find them.

export const ADMIN_HOME = '/admin';

export type TenantSection =
  | 'overview'
  | 'applications'
  | 'authorization-types'
  | 'users'
  | 'channels'
  | 'signing-keys'
  | 'trusted-issuers'
  | 'registration'
  | 'requests'
  | 'events';

export const TENANT_SECTIONS: readonly { section: TenantSection; label: string }[] = [
  { section: 'overview', label: 'Overview' },
  { section: 'applications', label: 'Applications' },
  { section: 'authorization-types', label: 'Authorization types' },
  { section: 'users', label: 'Users' },
  { section: 'channels', label: 'Channels' },
  { section: 'signing-keys', label: 'Signing keys' },
  { section: 'trusted-issuers', label: 'Trusted issuers' },
  { section: 'registration', label: 'Dynamic registration' },
  { section: 'requests', label: 'Requests' },
  { section: 'events', label: 'Events' },
];

export type GlobalSection = 'admins' | 'audit-log' | 'api-reference';

export const GLOBAL_SECTIONS: readonly { section: GlobalSection; label: string; href: string }[] = [
  { section: 'admins', label: 'Admins & API keys', href: '/admin/admins' },
  { section: 'audit-log', label: 'Audit log', href: '/admin/audit-log' },
  { section: 'api-reference', label: 'API reference', href: '/admin/api-reference' },
];

/** `/admin/t/<slug>` for the overview, `/admin/t/<slug>/<section>` otherwise. */
export const tenantHref = (slug: string, section: TenantSection = 'overview'): string => {
  const base = `${ADMIN_HOME}/t/${encodeURIComponent(slug)}`;

  return section === 'overview' ? base : `${base}/${section}`;
};

/** The tenant section a pathname is in (undefined outside a tenant or in an unknown section). */
export const tenantSectionOf = (pathname: string): TenantSection | undefined => {
  const match = /^\/admin\/t\/[^/]+(?:\/([^/]+))?/.exec(pathname);
  if (!match) return undefined;
  const segment = match[1] ?? 'overview';

  return TENANT_SECTIONS.find(({ section }) => section === segment)?.section;
};
