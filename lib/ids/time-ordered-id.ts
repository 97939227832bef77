import { randomUUID } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random
 * bits. Rows keyed by it are appended in creation order (their B-tree pages
 * stay few and hot under load) and lists page by id alone. The random bits
 * come from randomUUID(), which draws from Node's pooled entropy.
 */
export const timeOrderedId = (at: Date = new Date()): string => {
  const millis = at.getTime().toString(16).padStart(12, '0');
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; keep its variant and random bits after the version nibble.
  return `${millis.slice(0, 8)}-${millis.slice(8)}-7${randomUUID().slice(15)}`;
};

/**
 * The smallest UUIDv7 of the millisecond `at` (version 7, variant 10, every
 * random bit zero): every timeOrderedId made at or after `at` sorts at or
 * above it, every one made before sorts below. `id < minTimeOrderedId(t)`
 * thus selects the rows created before `t` on the primary key alone.
 */
export const minTimeOrderedId = (at: Date): string => {
  const millis = at.getTime().toString(16).padStart(12, '0');

  return `${millis.slice(0, 8)}-${millis.slice(8)}-7000-8000-000000000000`;
};
