import { randomUUID } from 'node:crypto';

/** On globalThis: one sequence per process, whatever bundle this module is loaded from. */
const sequence = globalThis as unknown as { backchannelTimeOrderedId?: { millis: number; counter: number } };

/**
 * A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, a 12-bit counter
 * (rand_a, RFC 9562 §6.2 method 1), then 62 random bits. Rows keyed by it are
 * appended in creation order (their B-tree pages stay few and hot under load)
 * and lists page by id alone. Ids made one after another for the same
 * millisecond sort in the order they were made: the counter starts at a
 * random value below 2048 and counts up (after 2048 ids in one millisecond
 * they stay unique but may not sort). The random bits come from randomUUID(),
 * which draws from Node's pooled entropy.
 */
export const timeOrderedId = (at: Date = new Date()): string => {
  const time = at.getTime();
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; its variant and the random bits after it are kept.
  const random = randomUUID();
  const last = (sequence.backchannelTimeOrderedId ??= { millis: -1, counter: 0 });
  if (time === last.millis) {
    last.counter = (last.counter + 1) & 0xfff;
  } else {
    last.millis = time;
    last.counter = Number.parseInt(random.slice(15, 18), 16) & 0x7ff;
  }
  const millis = time.toString(16).padStart(12, '0');

  return `${millis.slice(0, 8)}-${millis.slice(8)}-7${last.counter.toString(16).padStart(3, '0')}-${random.slice(19)}`;
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
