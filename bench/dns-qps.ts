/**
 * Queries per second through berth's resolver, on loopback only.
 *
 *   node --import tsx bench/dns-qps.ts [seconds=3] [clients=8] [window=32]
 *
 * The server runs in this thread with a table of 100 containers on one network, listening on
 * 127.0.0.1. A worker thread is the load: `clients` UDP sockets bound to container addresses
 * (127.0.0.2, ...), each keeping `window` queries in flight. Forwarded names go to a minimal
 * stub upstream on 127.0.0.200 in a second worker. Figures: replies per second (median of 3
 * runs), and the server thread's busy time per query (event-loop utilisation x wall time /
 * queries), which depends less on how much CPU the load generator took on a small machine.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { DnsServer } from '../src/dns/server.js';
import { NameTable } from '../src/dns/table.js';
import { queryBytes } from '../src/dns/stub.fixture.js';
import { TYPE } from '../src/dns/wire.js';

const SECONDS = Number(process.argv[2] ?? 3);
const CLIENTS = Number(process.argv[3] ?? 8);
const WINDOW = Number(process.argv[4] ?? 32);

// Load generator (plain JS so the worker needs no TypeScript loader).
const LOAD = `
const { workerData, parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const { port, query, clients, window, seconds } = workerData;
let replies = 0, bad = 0, counting = false;
const sockets = [];
let bound = 0;
for (let i = 0; i < clients; i++) {
  const s = dgram.createSocket('udp4');
  const q = Buffer.from(query);
  let id = 0;
  const send = () => { q.writeUInt16BE(id = (id + 1) & 0xffff, 0); s.send(q, port, '127.0.0.1'); };
  s.on('message', (m) => { if (counting) { replies++; if ((m[3] & 15) !== 0) bad++; } send(); });
  s.bind({ address: '127.0.0.' + (2 + i), port: 0 }, () => { s.setRecvBufferSize(1 << 20); if (++bound === clients) start(); });
  sockets.push({ s, send });
}
function start() {
  for (const { send } of sockets) for (let k = 0; k < window; k++) send();
  setTimeout(() => { counting = true; const t0 = process.hrtime.bigint();
    setTimeout(() => { counting = false; const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      parentPort.postMessage({ qps: replies / secs, bad }); for (const { s } of sockets) s.close(); }, seconds * 1000);
  }, 300);
}
`;

// Minimal upstream: echo the question, add one A record pointing at it.
const STUB = `
const { parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const s = dgram.createSocket('udp4');
s.on('message', (m, r) => {
  const out = Buffer.alloc(m.length + 16);
  m.copy(out);
  out[2] = 0x81; out[3] = 0x80; out.writeUInt16BE(1, 6); out.writeUInt16BE(0, 8); out.writeUInt16BE(0, 10);
  const end = qend(m);
  const rr = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 0, 2, 1]);
  rr.copy(out, end);
  s.send(out.subarray(0, end + 16), r.port, r.address);
});
function qend(m) { let p = 12; while (m[p] !== 0) p += m[p] + 1; return p + 5; }
s.bind({ address: '127.0.0.200', port: 0 }, () => { s.setRecvBufferSize(1 << 20); parentPort.postMessage(s.address().port); });
`;

function runLoad(port: number, query: Buffer): Promise<{ qps: number; bad: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD, { eval: true, workerData: { port, query, clients: CLIENTS, window: WINDOW, seconds: SECONDS } });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

async function main(): Promise<void> {
  const endpoints = Array.from({ length: 100 }, (_, i) => ({
    containerId: `c${i}`, ipv4: `127.0.0.${2 + i}`, names: [`c${i}`, `alias${i % 10}`, `h${i}`],
  }));
  const table = NameTable.build([{ id: 'n1', name: 'app', internal: false, subnets: ['127.0.0.0/24'], endpoints }]);
  const stub = new Worker(STUB, { eval: true });
  const stubPort = await new Promise<number>((resolve) => stub.once('message', resolve));
  const server = new DnsServer({ upstreams: [`127.0.0.200:${stubPort}`], port: 0 });
  server.setTable(table);
  await server.setListenAddresses([{ address: '127.0.0.1', networkId: 'n1' }]);
  const port = server.listening()[0]!.port;

  console.log(`berth dns-qps: ${CLIENTS} clients x ${WINDOW} in flight, ${SECONDS}s per run, ${availableParallelism()} CPUs, node ${process.version}`);
  const cases: Array<[string, Buffer]> = [
    ['container name (A, 1 address)', queryBytes('c42', TYPE.A)],
    ['shared alias (A, 10 addresses, shuffled)', queryBytes('alias3', TYPE.A)],
    ['name.network (A)', queryBytes('c42.app', TYPE.A)],
    ['PTR of a container', queryBytes('44.0.0.127.in-addr.arpa', TYPE.PTR)],
    ['forwarded name (stub upstream)', queryBytes('ext.example.com', TYPE.A)],
  ];
  for (const [label, query] of cases) {
    const runs: number[] = [];
    let bad = 0;
    const before = { elu: performance.eventLoopUtilization(), queries: server.stats().queries };
    for (let i = 0; i < 3; i++) {
      const r = await runLoad(port, query);
      runs.push(r.qps);
      bad += r.bad;
    }
    const busyMs = performance.eventLoopUtilization(before.elu).active;
    const perQueryUs = (busyMs * 1000) / (server.stats().queries - before.queries);
    runs.sort((a, b) => a - b);
    console.log(`${label.padEnd(44)} ${Math.round(runs[1]!).toLocaleString('en-US').padStart(9)} q/s  ` +
      `(runs ${runs.map((r) => Math.round(r / 1000) + 'k').join(' / ')}${bad ? `, ${bad} non-NOERROR` : ''}); ` +
      `server busy ${perQueryUs.toFixed(1)} us/query = ${Math.round(1000 / perQueryUs)}k q/s per core`);
  }
  const stats = server.stats();
  console.log(`server stats: ${stats.queries} queries, ${stats.forwarded} forwarded, ${stats.failures} failures`);
  await server.close();
  await stub.terminate();
}

await main();
