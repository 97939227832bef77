'use client';
import { LogOut } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { postJson } from './app-fetch';

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);

  return (
    <Button
      variant="ghost"
      size="sm"
      icon={<LogOut />}
      pending={pending}
      onClick={() => {
        setPending(true);
        void postJson('/authenticator/api/sign-out').finally(() => {
          setPending(false);
          router.push('/authenticator');
          router.refresh();
        });
      }}
    >
      Sign out
    </Button>
  );
}
