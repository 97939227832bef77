import { describe, expect, it } from 'vitest';
import { createLogger } from '@/lib/log';

const capture = () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });

  return { logger, lines };
};

describe('createLogger', () => {
  it('redacts secrets at the top level and in nested objects, keeping everything else', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        authorization: 'Basic c2VjcmV0',
        headers: { authorization: 'Bearer eyJ.top', cookie: 'session=abc', 'set-cookie': 'a=b', 'x-request-id': 'r-1' },
        form: { client_id: 'client-1', client_secret: 'form-secret', client_assertion: 'eyJ.assertion', auth_req_id: 'areq' },
        response: { body: { access_token: 'at', id_token: 'it', refresh_token: 'rt', token: 't' } },
      },
      'hello',
    );

    const entry = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(entry).toMatchObject({
      msg: 'hello',
      authorization: '[redacted]',
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]', 'x-request-id': 'r-1' },
      form: { client_id: 'client-1', client_secret: '[redacted]', client_assertion: '[redacted]', auth_req_id: '[redacted]' },
      response: {
        body: { access_token: '[redacted]', id_token: '[redacted]', refresh_token: '[redacted]', token: '[redacted]' },
      },
    });
    for (const secret of ['c2VjcmV0', 'eyJ', 'session=abc', 'form-secret', 'areq', '"at"', '"rt"'])
      expect(lines[0]).not.toContain(secret);
  });

  it('writes nothing below its level, and errors with their stack', () => {
    const { logger, lines } = capture();
    logger.debug('hidden');
    logger.error({ err: new RangeError('out of range') }, 'failed');

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 50,
      msg: 'failed',
      err: { type: 'RangeError', message: 'out of range', stack: expect.stringContaining('RangeError: out of range') },
    });
  });
});
