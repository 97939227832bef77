// A GET search form (works without JavaScript): the query goes in the URL, so a search can be shared.
import { Search } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ButtonLink } from '@/components/ui/button-link';
import { Input } from '@/components/ui/input';

export type SearchFormProps = {
  /** The accessible name of the search box. */
  label: string;
  placeholder?: string;
  /** The query parameter. */
  name?: string;
  value?: string;
  /** Where "Clear" goes (the page without the query). */
  clearHref: string;
  /** Other query parameters to keep (e.g. a status filter). */
  keep?: Record<string, string>;
};

export function SearchForm({ label, placeholder, name = 'q', value, clearHref, keep }: SearchFormProps) {
  return (
    <form role="search" method="get" className="mb-4 flex flex-wrap items-center gap-2">
      {Object.entries(keep ?? {}).map(([key, kept]) => (
        <input key={key} type="hidden" name={key} value={kept} />
      ))}
      <div className="relative min-w-60 flex-1 sm:max-w-md">
        <Search
          aria-hidden="true"
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500"
        />
        <Input type="search" name={name} defaultValue={value} aria-label={label} placeholder={placeholder} className="pl-9" />
      </div>
      <Button type="submit" variant="secondary">
        Search
      </Button>
      {value ? (
        <ButtonLink href={clearHref} variant="ghost">
          Clear
        </ButtonLink>
      ) : null}
    </form>
  );
}
