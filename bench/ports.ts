/**
 * Published ports on the kernel path, measured in a test host (prints figures; not a test).
 *
 *   npm run build && node dist/bench/ports.js [seconds=3] [rounds=3]
 *
 * Servers run in real busybox containers, with the host's binaries bind-mounted read-only:
 * - TCP throughput: `iperf3 -s` in a container, `iperf3 -c` in the test host for <seconds>;
 * - new-connection rate: a node server in a container that answers each connection with one
 *   byte and closes (one listening port per path, see CONN_SERVER); a node client in the test
 *   host keeps 8 connections in flight (connect, read, close, again) for <seconds> and counts
 *   completed connections.
 * Each through three paths, from the test host: the published port on 127.0.0.1 (DNAT in
 * nat-OUTPUT, route_localnet, masquerade), the published port on the host's own address (DNAT
 * in nat-OUTPUT), and the container's address directly (no NAT). Medians of <rounds> rounds, the
 * paths interleaved. Goal: published >= 0.95x direct. For reference (shared/DESIGN.md), Docker's
 * userland proxy reaches 0.71x of direct throughput and 0.58x of the connection rate.
 *
 * Last, what a publish costs as ports pile up: `docker run -d -p <port>:80` while 3, then 1003
 * ports are published by other containers (one element add per port either way).
 */
import { performance } from 'node:perf_hooks';
import { TestHost, type RunResult } from '../test/helpers/testhost.js';

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 3);
const HOST_ADDR = '10.88.0.1';

const LIBS = ['-v', '/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:ro', '-v', '/lib64:/lib64:ro'];
// One listening port per path: the direct and the loopback path both reach the server from
// 172.17.0.1 (masquerade), with different TCP timestamp clocks, so sharing one server port would
// make their new SYNs collide with each other's TIME_WAITs (PAWS drops, 1 s SYN retransmits).
const CONN_SERVER = "for(const p of [9000,9001,9002])require('net').createServer((s)=>{s.on('error',()=>{});s.end('x')}).listen(p)";
const CONN_CLIENT = `
const net = require('net');
const [addr, port, secs, conc] = process.argv.slice(1).map((v, i) => (i ? Number(v) : v));
let done = 0, errors = 0, live = conc;
const deadline = Date.now() + secs * 1000;
function next() {
  if (Date.now() >= deadline) { if (--live === 0) console.log(JSON.stringify({ rate: done / secs, errors })); return; }
  const s = net.connect(port, addr);
  s.on('data', () => {});
  s.on('end', () => { done++; s.destroy(); next(); });
  s.on('error', () => { errors++; s.destroy(); next(); });
}
for (let i = 0; i < conc; i++) next();
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function must(r: RunResult, what: string): string {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function iperf(host: TestHost, addr: string, port: number): Promise<number> {
  const argv = ['timeout', String(SECONDS + 15), 'iperf3', '-c', addr, '-p', String(port), '-t', String(SECONDS), '-J'];
  const out = must(await host.sh(argv, { timeoutMs: (SECONDS + 20) * 1000 }), `iperf3 -c ${addr}:${port}`);
  const json = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
  return json.end.sum_received.bits_per_second / 1e9;
}

async function connRate(host: TestHost, addr: string, port: number): Promise<{ rate: number; errors: number }> {
  const out = must(await host.sh([process.execPath, '-e', CONN_CLIENT, addr, String(port), String(SECONDS), '8'], { timeoutMs: (SECONDS + 20) * 1000 }), `connections to ${addr}:${port}`);
  return JSON.parse(out) as { rate: number; errors: number };
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const host = await TestHost.start();
  const interrupted = () => void host.stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    for (const argv of [
      ['ip', 'link', 'add', 'benchh', 'type', 'veth', 'peer', 'name', 'benchp'],
      ['ip', 'addr', 'add', `${HOST_ADDR}/24`, 'dev', 'benchh'],
      ['ip', 'link', 'set', 'benchh', 'up'],
      ['ip', 'link', 'set', 'benchp', 'up'],
    ]) {
      must(await host.sh(argv), argv.join(' '));
    }
    const docker = (args: string[]) => host.docker(args, { timeoutMs: 60_000 });
    must(await docker(['run', '-d', '--name', 'iperf', '-p', '5201:5201', '-v', '/usr/bin/iperf3:/usr/bin/iperf3:ro', ...LIBS, 'busybox', 'iperf3', '-s']), 'iperf3 server');
    must(await docker(['run', '-d', '--name', 'conn', '-p', '9001:9001', '-p', '9002:9002', '-v', `${process.execPath}:/usr/bin/node:ro`, ...LIBS, 'busybox', 'node', '-e', CONN_SERVER]), 'connection server');
    const ip = (name: string) => docker(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', name]).then((r) => must(r, 'inspect').trim());
    const [iperfIp, connIp] = [await ip('iperf'), await ip('conn')];
    await waitUntil(async () => (await host.sh(['timeout', '5', 'iperf3', '-c', iperfIp, '-p', '5201', '-t', '1'])).code === 0, 'iperf3 server');
    await waitUntil(async () => (await host.sh([process.execPath, '-e', CONN_CLIENT, connIp, '9000', '0.2', '1'])).code === 0, 'connection server');

    const paths = [
      { label: 'direct (container IP)', tp: [iperfIp, 5201], cr: [connIp, 9000] },
      { label: 'published, 127.0.0.1', tp: ['127.0.0.1', 5201], cr: ['127.0.0.1', 9001] },
      { label: `published, ${HOST_ADDR}`, tp: [HOST_ADDR, 5201], cr: [HOST_ADDR, 9002] },
    ] as const;
    const gbps = paths.map(() => [] as number[]);
    const rates = paths.map(() => [] as number[]);
    let errors = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, p] of paths.entries()) gbps[i]!.push(await iperf(host, p.tp[0], p.tp[1]));
      for (const [i, p] of paths.entries()) {
        const r = await connRate(host, p.cr[0], p.cr[1]);
        rates[i]!.push(r.rate);
        errors += r.errors;
      }
    }
    const direct = { tp: median(gbps[0]!), cr: median(rates[0]!) };
    console.log(`\npublished ports, kernel path (medians of ${ROUNDS} rounds, ${SECONDS} s each; test host -> busybox container)\n`);
    console.log(`${'path'.padEnd(28)}${'TCP Gbit/s'.padStart(12)}${'x direct'.padStart(10)}${'conn/s'.padStart(10)}${'x direct'.padStart(10)}`);
    for (const [i, p] of paths.entries()) {
      const tp = median(gbps[i]!);
      const cr = median(rates[i]!);
      console.log(`${p.label.padEnd(28)}${tp.toFixed(2).padStart(12)}${(tp / direct.tp).toFixed(2).padStart(10)}${cr.toFixed(0).padStart(10)}${(cr / direct.cr).toFixed(2).padStart(10)}`);
    }
    if (errors) console.log(`(${errors} failed connections)`);

    // publish cost with 0 and with 1000 other published ports
    const runOne = async (i: number) => {
      const t = await timed(async () => must(await docker(['run', '-d', '--name', `one${i}`, '-p', `${8100 + i}:80`, 'busybox', 'sleep', '600']), 'run -p'));
      must(await docker(['rm', '-f', `one${i}`]), 'rm');
      return t;
    };
    const dnatElements = async () => (await host.sh(['nft', '-j', 'list', 'map', 'ip', host.prefix, 'dnat-on-any-to-addr'])).stdout.match(/"concat"/g)?.length ?? 0;
    const before = await dnatElements();
    const baseline: number[] = [];
    for (const i of [0, 1, 2, 3, 4]) baseline.push(await runOne(i));
    const bulk = await timed(async () => must(await docker(['run', '-d', '--name', 'many', '-p', '20000-20999:1000-1999', 'busybox', 'sleep', '600']), 'run -p x1000'));
    const elements = await dnatElements();
    const loaded: number[] = [];
    for (const i of [5, 6, 7, 8, 9]) loaded.push(await runOne(i));
    console.log(`\ndocker run -d -p N:80 (CLI round trip, container start included), median of 5:`);
    console.log(`  with ${String(before).padEnd(4)} other ports published       ${median(baseline).toFixed(0)} ms`);
    console.log(`  with ${String(elements).padEnd(4)} other ports published       ${median(loaded).toFixed(0)} ms`);
    console.log(`  the container publishing 1000 ports   ${bulk.toFixed(0)} ms   (1000 sockets, 3000 elements, one nft transaction)`);
  } finally {
    await host.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
