import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: [
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
    '@prisma/driver-adapter-utils',
    '@prisma/schema-engine-wasm',
    'better-sqlite3',
    'pg',
    'resend',
  ],
  // The console's user import accepts files up to 5 MB (lib/admin/import-users.ts); server actions default to 1 MB.
  experimental: { serverActions: { bodySizeLimit: '5mb' } },
};

export default nextConfig;
