import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collectBody } from '@/lib/http/collect-body';

const chunks = (count: number, size: number) => Array.from({ length: count }, () => new Uint8Array(size).fill(0x61));
const webStream = (parts: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });

describe('collectBody', () => {
  it('returns a body within the limit whole', async () => {
    expect((await collectBody(Readable.from(chunks(3, 10)), 30)).length).toBe(30);
    expect((await collectBody(webStream(chunks(3, 10)), 30)).length).toBe(30);
    expect((await collectBody(null, 30)).length).toBe(0);
  });

  it('returns an oversized body longer than the limit, so it is refused, but bounded in memory', async () => {
    for (const source of [Readable.from(chunks(1000, 1024)), webStream(chunks(1000, 1024))]) {
      const body = await collectBody(source, 4096);
      expect(body.length).toBeGreaterThan(4096);
      expect(body.length).toBeLessThanOrEqual(4096 + 1024);
    }
  });
});
