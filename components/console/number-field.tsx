import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { FieldErrors } from './use-console-action';

/** A whole-number setting of a settings form: its bounds in the input, its field error (by `name`) beside it. */
export function NumberField({
  name,
  label,
  description,
  value,
  bounds,
  errors,
}: {
  name: string;
  label: string;
  description?: string;
  value: number;
  bounds: { min: number; max: number };
  errors: FieldErrors;
}) {
  return (
    <Field label={label} description={description} error={errors[name]}>
      <Input name={name} type="number" inputMode="numeric" min={bounds.min} max={bounds.max} defaultValue={value} />
    </Field>
  );
}
