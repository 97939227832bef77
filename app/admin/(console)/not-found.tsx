import { Compass } from 'lucide-react';
import { ButtonLink } from '@/components/ui/button-link';
import { EmptyState } from '@/components/ui/empty-state';

// Inside the console frame: what pages show (HTTP 404) for a tenant or resource that does not exist
// or is out of the admin's reach; the two are deliberately alike.
export default function ConsoleNotFound() {
  return (
    <>
      <title>Not found · Backchannel</title>
      <EmptyState
        bordered
        headingLevel={2}
        icon={<Compass />}
        title="Not found"
        description="There is nothing here, or it belongs to a tenant you do not administer."
        action={<ButtonLink href="/admin">Back to your tenants</ButtonLink>}
        className="mt-8"
      />
    </>
  );
}
