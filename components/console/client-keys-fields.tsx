'use client';

// The client's public keys (RFC 7591 §2): none, a pasted JWKS, or a JWKS URL (one source only). The
// keys of a pasted set are listed as the admin types (id, type, curve or size, alg, use, certificate),
// never their key material. The metadata schema decides; these hints only help before saving.
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { summarizeJwksText, type JwkSummary } from '@/lib/clients/summarize-jwks';
import type { FieldErrors } from './use-console-action';

export type KeysSource = 'none' | 'jwks' | 'jwks_uri';

const SOURCE_OPTIONS = [
  { value: 'none', label: 'No keys' },
  { value: 'jwks', label: 'Paste a JWKS (public keys)' },
  { value: 'jwks_uri', label: 'JWKS URL (fetched and cached)' },
];

/** The summaries of a key set, one row per key. */
export function JwksSummaryList({ keys, label }: { keys: readonly JwkSummary[]; label: string }) {
  if (keys.length === 0) return null;

  return (
    <ul
      aria-label={label}
      className="divide-y divide-slate-200 rounded-lg ring-1 ring-slate-200 dark:divide-white/10 dark:ring-white/10"
    >
      {keys.map((key, index) => (
        <li key={`${key.kid ?? ''}-${index}`} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
          <span className="font-mono text-xs text-slate-900 dark:text-slate-100">
            {key.kid ?? <span className="text-slate-500 italic dark:text-slate-400">no kid</span>}
          </span>
          <Badge tone="indigo">{key.detail ? `${key.kty} · ${key.detail}` : key.kty}</Badge>
          {key.alg ? <Badge>{key.alg}</Badge> : null}
          {key.use ? <Badge>use: {key.use}</Badge> : null}
          {key.hasCertificate ? <Badge tone="sky">certificate (x5c)</Badge> : null}
          {key.isPrivate ? <Badge tone="red">private key: will be refused</Badge> : null}
        </li>
      ))}
    </ul>
  );
}

export type ClientKeysFieldsProps = {
  errors: FieldErrors;
  defaultSource: KeysSource;
  defaultJwks?: string;
  defaultJwksUri?: string;
  /** When the chosen settings need keys (a key method, required signed requests, FAPI-CIBA): said beside the source. */
  requiredBecause?: string | null;
};

export function ClientKeysFields({
  errors,
  defaultSource,
  defaultJwks = '',
  defaultJwksUri = '',
  requiredBecause,
}: ClientKeysFieldsProps) {
  const [source, setSource] = useState<KeysSource>(defaultSource);
  const [jwksText, setJwksText] = useState(defaultJwks);
  const summary = summarizeJwksText(jwksText);

  return (
    <div className="space-y-4">
      <Field
        label="Public keys"
        description={
          requiredBecause
            ? `Required: ${requiredBecause}.`
            : 'For signed JWT authentication, self-signed certificates and signed requests.'
        }
        error={
          source === 'jwks' ? undefined : source === 'none' ? [...(errors.jwks ?? []), ...(errors.jwks_uri ?? [])] : errors.jwks
        }
      >
        <Select
          name="keys_source"
          value={source}
          onChange={(event) => setSource(event.target.value as KeysSource)}
          options={SOURCE_OPTIONS}
        />
      </Field>
      {source === 'jwks' ? (
        <div className="space-y-3">
          <Field label="JWKS" description='The public keys as JSON, {"keys":[…]}. Private keys are refused.' error={errors.jwks}>
            <Textarea
              name="jwks"
              rows={6}
              value={jwksText}
              onChange={(event) => setJwksText(event.target.value)}
              spellCheck={false}
              autoComplete="off"
              placeholder='{"keys":[{"kty":"EC","crv":"P-256","kid":"…","x":"…","y":"…"}]}'
              className="font-mono text-xs"
            />
          </Field>
          {'problem' in summary ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">{summary.problem}</p>
          ) : (
            <JwksSummaryList keys={summary.keys} label="Keys in this JWKS" />
          )}
        </div>
      ) : null}
      {source === 'jwks_uri' ? (
        <Field
          label="JWKS URL"
          description="https:// on a public address; fetched with short timeouts, cached, refetched on an unknown kid."
          error={errors.jwks_uri}
        >
          <Input
            name="jwks_uri"
            type="url"
            defaultValue={defaultJwksUri}
            placeholder="https://app.example.com/jwks.json"
            autoComplete="off"
          />
        </Field>
      ) : null}
    </div>
  );
}
