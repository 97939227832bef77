/**
 * Coalesces the lookups started in one synchronous stretch into one
 * `loadMany` call: the outbox worker starts every delivery of a claim at
 * once, so a claim of fifty messages reads its fifty rows in one statement
 * (one round trip on PostgreSQL) instead of fifty. A lookup resolves to the
 * value `loadMany` returned for its key, or undefined; if `loadMany` fails,
 * every lookup of that batch fails with its error.
 */
export const createBatchLoader = <K, V>(
  loadMany: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
): ((key: K) => Promise<V | undefined>) => {
  let open: { keys: K[]; values: Promise<ReadonlyMap<K, V>> } | null = null;

  return (key) => {
    if (!open) {
      const keys: K[] = [];
      open = {
        keys,
        // Runs once the current stretch is over: every key it added is in.
        values: Promise.resolve().then(() => {
          open = null;

          return loadMany([...new Set(keys)]);
        }),
      };
    }
    open.keys.push(key);

    return open.values.then((values) => values.get(key));
  };
};
