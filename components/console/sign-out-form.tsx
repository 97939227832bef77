// Sign-out: a POST form (a server action), so a link or a prefetch can never sign anyone out.
import { LogOut } from 'lucide-react';
import { SubmitButton } from '@/components/ui/submit-button';

export function SignOutForm({ action }: { action: () => Promise<void> }) {
  return (
    <form action={action}>
      <SubmitButton variant="ghost" size="sm" icon={<LogOut />} pendingLabel="Signing out…">
        Sign out
      </SubmitButton>
    </form>
  );
}
