// A live stream ends when the server begins shutting down, so the browser reconnects (through the
// load balancer, to another instance) instead of holding the drain open until its deadline.
import { afterEach, expect, it } from 'vitest';
import { eventStreamResponse } from '@/lib/http/server-sent-events';
import { beginShutdown, resetShutdownStateForTests } from '@/lib/lifecycle/shutdown-state';

afterEach(() => resetShutdownStateForTests());

const readAll = async (response: Response): Promise<string> => {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value);
  }
};

it('ends the stream and its subscription at shutdown', async () => {
  let unsubscribed = false;
  let send!: (messages: { id?: string; data: unknown }[]) => void;
  const response = await eventStreamResponse({
    signal: new AbortController().signal,
    subscribe: async (sender) => {
      send = sender;

      return () => {
        unsubscribed = true;
      };
    },
  });
  send([{ id: '1', data: { hello: 'world' } }]);
  const body = readAll(response);
  beginShutdown();
  expect(await body).toBe('retry: 2000\n\nid: 1\ndata: {"hello":"world"}\n\n');
  expect(unsubscribed).toBe(true);
});

it('a stream opened while shutting down ends at once', async () => {
  beginShutdown();
  const response = await eventStreamResponse({ signal: new AbortController().signal, subscribe: async () => () => undefined });
  expect(await readAll(response)).toBe('retry: 2000\n\n');
});
