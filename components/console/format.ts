// Dates and times as the console shows them: UTC, since the server does not know the reader's zone.

/** `2026-11-25`. */
export const formatDate = (value: Date | string): string => new Date(value).toISOString().slice(0, 10);

/** `2026-11-25 14:03:07 UTC`. */
export const formatDateTime = (value: Date | string): string =>
  `${new Date(value).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
