// Load generator (child of bench/run.ts, pinned to core 1): autocannon with a
// warm-up run, then the measured run. Talks to the parent over IPC:
//   parent → { config }            start
//   child  → { type: 'measure-start' } after the warm-up; parent samples the server
//   parent → { type: 'go' }        measured run starts
//   child  → { type: 'result', ... } after the measured run
// Request bodies are either one static body or a round-robin pool (a file
// with one body per line) shared by all connections. With `urls` (several
// instances, --instances), the connections are split evenly over them, one
// autocannon per instance in this process, and the figures merged: requests
// and rate summed, latency percentiles the worst instance's. Every response is
// classified as "<status> <error code | ok>"; 200 bodies with auth_req_id can
// be collected (the pending-poll pool is built from scenario (a)).
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const once = (type) =>
  new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.type !== type) return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
  });

process.on('disconnect', () => process.exit(0)); // the parent went away
process.on('SIGTERM', () => process.exit(143));

const { config } = await once('config');
const pool = config.poolFile ? readFileSync(config.poolFile, 'utf8').split('\n').filter(Boolean) : null;
let next = 0;
let counts = {};
const collected = [];

const classify = (status, body) => {
  let code = 'ok';
  if (config.classify === 'json') {
    try {
      const parsed = JSON.parse(body);
      if (parsed.error) code = parsed.error;
      if (config.collect && status === 200 && parsed.auth_req_id) collected.push(parsed.auth_req_id);
    } catch {
      code = 'unparseable';
    }
  }
  const key = `${status} ${code}`;
  counts[key] = (counts[key] ?? 0) + 1;
};

const request = {
  method: config.method ?? 'POST',
  path: config.path,
  headers: config.headers,
  ...(pool
    ? {
        setupRequest: (req) => {
          req.body = pool[next++ % pool.length];
          return req;
        },
      }
    : { body: config.body }),
  onResponse: (status, body) => classify(status, body),
};

const urls = config.urls ?? [config.url];

const runOne = (url, connections, duration) =>
  new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration,
        requests: [request],
        timeout: 30,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

/** One autocannon per URL at once, the connections split over them; one merged result. */
const run = async (duration) => {
  const results = await Promise.all(
    urls.map((url, index) =>
      runOne(url, Math.floor(config.connections / urls.length) + (index < config.connections % urls.length ? 1 : 0), duration),
    ),
  );
  if (results.length === 1) return results[0];
  const worst = (key) => Math.max(...results.map((result) => result.latency[key]));

  return {
    duration: Math.max(...results.map((result) => result.duration)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    timeouts: results.reduce((sum, result) => sum + result.timeouts, 0),
    latency: { p50: worst('p50'), p90: worst('p90'), p99: worst('p99'), max: worst('max') },
  };
};

if (config.warmupSec > 0) await run(config.warmupSec);
counts = {};
process.send({ type: 'measure-start' });
await once('go');
const started = Date.now();
const result = await run(config.durationSec);
const elapsedSec = (Date.now() - started) / 1000;
if (config.collectFile) writeFileSync(config.collectFile, collected.join('\n') + '\n');
const total = Object.values(counts).reduce((a, b) => a + b, 0);
process.send({
  type: 'result',
  result: {
    requests: total,
    elapsedSec,
    durationSec: result.duration,
    reqPerSec: total / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    counts,
    collected: collected.length,
    poolSize: pool?.length ?? null,
  },
});
process.removeAllListeners('disconnect');
process.disconnect();
