import type { Metadata } from 'next';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { PageHeader } from '@/components/ui/page-header';
import type { ApiMethod, ApiRoute } from '@/lib/api/route';
import { API_ROUTES } from '@/lib/api/routes';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getEnv } from '@/lib/env';

export const metadata: Metadata = { title: 'API reference' };

const METHOD_TONES: Record<ApiMethod, BadgeTone> = { GET: 'sky', POST: 'green', PUT: 'amber', PATCH: 'amber', DELETE: 'red' };

/** Routes by their first tag, in the order the route table lists them. */
const byTag = (routes: readonly ApiRoute[]): [string, ApiRoute[]][] => {
  const groups = new Map<string, ApiRoute[]>();
  for (const route of routes) {
    const tag = route.tags[0] ?? 'Other';
    groups.set(tag, [...(groups.get(tag) ?? []), route]);
  }

  return [...groups];
};

// The Management API's routes, read from the same route table that serves them and builds the
// OpenAPI document, so this page cannot drift from the API.
export default async function ApiReferencePage() {
  await requireAdminPrincipal();
  const base = `${getEnv().appUrl}/api/v1`;

  return (
    <>
      <PageHeader
        title="API reference"
        description="The Management API does everything the console does, for scripts and automation. Create a key under Admins & API keys."
      />
      <div className="space-y-6">
        <Card title="Getting started">
          <div className="space-y-4 text-sm text-slate-700 dark:text-slate-300">
            <p>
              Send the key as a bearer token. Bodies are JSON with the names shown in the console; errors are{' '}
              <code className="font-mono text-xs">{'{"error": …}'}</code>, validation errors list their fields. Lists are pages:{' '}
              <code className="font-mono text-xs">?limit=</code> (1–200) and <code className="font-mono text-xs">?cursor=</code>{' '}
              with the previous page&apos;s <code className="font-mono text-xs">next_cursor</code>.
            </p>
            <CodeBlock title="List tenants" code={`curl -H "Authorization: Bearer $BACKCHANNEL_API_KEY" ${base}/tenants`} wrap />
            <CodeBlock title="OpenAPI 3.1 document" code={`${base}/openapi.json`} />
          </div>
        </Card>
        {byTag(API_ROUTES).map(([tag, routes]) => (
          <Card key={tag} title={tag} flush>
            <ul className="divide-y divide-slate-200 dark:divide-white/10">
              {routes.map((route) => (
                <li key={route.operationId} className="px-5 py-3">
                  <div className="flex flex-wrap items-center gap-3">
                    <Badge tone={METHOD_TONES[route.method]} className="w-16 justify-center font-mono">
                      {route.method}
                    </Badge>
                    <code className="font-mono text-sm break-all text-slate-900 dark:text-white">/api/v1{route.path}</code>
                  </div>
                  <p className="mt-1.5 text-sm text-slate-700 dark:text-slate-300">{route.summary}</p>
                  {route.description ? (
                    <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{route.description}</p>
                  ) : null}
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
    </>
  );
}
