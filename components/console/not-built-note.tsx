// The note beside a setting whose protocol support is not built yet: shown, disabled, never accepted.
import { Badge } from '@/components/ui/badge';

export function NotBuiltNote({ children }: { children?: string }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Badge tone="amber">Not supported yet</Badge>
      {children ? <span>{children}</span> : null}
    </span>
  );
}
