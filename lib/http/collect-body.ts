type BodySource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null;

/** The chunks of a Node request stream or a web ReadableStream. */
async function* chunksOf(source: Exclude<BodySource, null>): AsyncGenerator<Uint8Array> {
  if (!('getReader' in source)) {
    yield* source;

    return;
  }
  const reader = source.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/**
 * Reads a request body, keeping at most `limit` bytes plus the chunk that
 * crosses it. A body longer than `limit` therefore comes back longer than
 * `limit`, so callers refuse it whole (never a silently truncated body), while
 * memory stays bounded. The stream is drained to its end, so the connection
 * can still be answered.
 */
export const collectBody = async (source: BodySource, limit: number): Promise<Buffer> => {
  const kept: Uint8Array[] = [];
  let size = 0;
  if (source) {
    for await (const chunk of chunksOf(source)) {
      if (size > limit) continue;
      kept.push(chunk);
      size += chunk.byteLength;
    }
  }

  return Buffer.concat(kept);
};
