import { z } from 'zod';

/** A position in an event list, newest first: the (time, id) of the last event of the previous page. */
export const ZEventCursorSchema = z.strictObject({ time: z.iso.datetime(), id: z.string() });

/** Events older than the cursor's: by time, then by id (event ids are UUIDv7: id order is time order). */
export const eventsBefore = (position: z.output<typeof ZEventCursorSchema> | null) => {
  if (position === null) return {};
  const time = new Date(position.time);

  return { AND: [{ createdAt: { lte: time } }, { OR: [{ createdAt: { lt: time } }, { id: { lt: position.id } }] }] };
};

/** The cursor position of an event. */
export const eventPositionOf = (row: { id: string; createdAt: Date }) => ({ time: row.createdAt.toISOString(), id: row.id });
