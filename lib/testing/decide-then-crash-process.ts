// A process that decides a request through the completion function and is
// killed (SIGKILL, by itself) right after the commit, before any worker can
// deliver what the decision queued: for crash tests (lib/ciba/callback-crash.test.ts).
//   node --import tsx lib/testing/decide-then-crash-process.ts <request-id> <approve|deny>
import { completeBackchannelRequest, type RequestDecision } from '@/lib/ciba/complete-backchannel-request';
import { getProtocolData } from '@/lib/store/get-protocol-store';

const [requestId, decision] = process.argv.slice(2) as [string, RequestDecision];
const result = await completeBackchannelRequest(getProtocolData().store, { requestId, decision, actor: { kind: 'test_hook' } });
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.kill(process.pid, 'SIGKILL'));
