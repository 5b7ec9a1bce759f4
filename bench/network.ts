/**
 * Networking costs of berth, measured in a test host (prints figures; not a test).
 *
 *   npm run build && node dist/bench/network.js [iterations=15]
 *
 * - network create + rm through the Engine API (one HTTP request each, no CLI start-up);
 * - the network cost of `run --rm busybox true`: the same command on the default bridge, on a
 *   user network, and with --network none, through the berth CLI; cost = bridge - none;
 * - connect and disconnect of a running container (API);
 * - DNS queries per second for a container name, asked from inside a real container's network
 *   namespace (127.0.0.11 -> nft DNAT -> the resolver), and for a forwarded name (stub upstream).
 * Figures are medians. Docker 20.10 / Podman 4.3 on these machines, for reference
 * (shared/DESIGN.md): run --rm networking 141 / 64 ms, create+rm 304 / 68 ms, connect 45 / 76 ms,
 * DNS ~60-70k q/s for names, 17k (Docker) / 65k (Podman) forwarded.
 */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { TestHost, REPO } from '../test/helpers/testhost.js';
import { queryBytes } from '../src/dns/stub.fixture.js';
import { TYPE } from '../src/dns/wire.js';

const N = Number(process.argv[2] ?? 15);

function api(host: TestHost, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      { socketPath: host.socket, method, path: `/v1.51${path}`, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function must(p: Promise<{ status: number; json: unknown }>): Promise<unknown> {
  const r = await p;
  if (r.status >= 300) throw new Error(`API error ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json;
}

// Load generator run inside a container's netns: UDP queries to 127.0.0.11, a window in flight.
const LOAD = `
const dgram = require('node:dgram');
const [query, seconds, window] = [Buffer.from(process.argv[1], 'hex'), Number(process.argv[2]), Number(process.argv[3])];
let replies = 0, bad = 0, counting = false, id = 0;
const s = dgram.createSocket('udp4');
const send = () => { query.writeUInt16BE(id = (id + 1) & 0xffff, 0); s.send(query, 53, '127.0.0.11'); };
s.on('message', (m) => { if (counting) { replies++; if ((m[3] & 15) !== 0) bad++; } send(); });
s.bind(0, () => {
  for (let k = 0; k < window; k++) send();
  setTimeout(() => { counting = true; const t0 = process.hrtime.bigint();
    setTimeout(() => { counting = false; const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      process.stdout.write(JSON.stringify({ qps: replies / secs, bad })); s.close(); }, seconds * 1000);
  }, 300);
});
`;

function dnsLoad(netnsPath: string, name: string): Promise<{ qps: number; bad: number }> {
  const query = queryBytes(name, TYPE.A).toString('hex');
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=${netnsPath}`, '--', process.execPath, '-e', LOAD, query, '3', '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`))));
  });
}

async function main(): Promise<void> {
  // A stub upstream inside the test host answers every forwarded name.
  const host = await TestHost.start({ dns: ['127.0.0.1:5300'] });
  const stub = spawn('nsenter', [`--net=/run/netns/${host.netns}`, '--', process.execPath, `${REPO}/dist/bench/stub-upstream.js`, '127.0.0.1', '5300'], { stdio: 'ignore' });
  try {
    const rows: Array<[string, string]> = [];

    const createRm: number[] = [];
    for (let i = 0; i < N; i++) {
      createRm.push(
        await timed(async () => {
          const { Id } = (await must(api(host, 'POST', '/networks/create', { Name: `bench${i}` }))) as { Id: string };
          await must(api(host, 'DELETE', `/networks/${Id}`));
        }),
      );
    }
    rows.push(['network create + rm (API)', ms(median(createRm))]);

    await must(api(host, 'POST', '/networks/create', { Name: 'app' }));
    const run = async (network: string) => {
      const times: number[] = [];
      for (let i = 0; i < N; i++) {
        times.push(
          await timed(async () => {
            const r = await host.berth(['run', '--rm', '--network', network, 'busybox', 'true']);
            if (r.code !== 0) throw new Error(r.stderr);
          }),
        );
      }
      return median(times);
    };
    const none = await run('none');
    const bridge = await run('bridge');
    const user = await run('app');
    rows.push(['run --rm, --network none (CLI)', ms(none)]);
    rows.push(['run --rm, default bridge (CLI)', ms(bridge)]);
    rows.push(['run --rm, user network (CLI)', ms(user)]);
    rows.push(['  network cost, default bridge', ms(bridge - none)]);
    rows.push(['  network cost, user network (with DNS)', ms(user - none)]);

    await must(api(host, 'POST', '/networks/create', { Name: 'other' }));
    await must(api(host, 'POST', '/containers/create?name=hub', { Image: 'busybox', Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'app' } }));
    await must(api(host, 'POST', '/containers/hub/start'));
    const connect: number[] = [];
    const disconnect: number[] = [];
    for (let i = 0; i < N; i++) {
      connect.push(await timed(() => must(api(host, 'POST', '/networks/other/connect', { Container: 'hub' }))));
      disconnect.push(await timed(() => must(api(host, 'POST', '/networks/other/disconnect', { Container: 'hub' }))));
    }
    rows.push(['network connect (API, running container)', ms(median(connect))]);
    rows.push(['network disconnect (API, running container)', ms(median(disconnect))]);

    await must(api(host, 'POST', '/containers/create?name=db', { Image: 'busybox', Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'app' } }));
    await must(api(host, 'POST', '/containers/db/start'));
    const hub = (await must(api(host, 'GET', '/containers/hub/json'))) as { NetworkSettings: { SandboxKey: string } };
    const names = await dnsLoad(hub.NetworkSettings.SandboxKey, 'db');
    const forwarded = await dnsLoad(hub.NetworkSettings.SandboxKey, 'example.test');
    rows.push(['DNS, container name, from a container', `${Math.round(names.qps)} q/s${names.bad ? ` (${names.bad} errors)` : ''}`]);
    rows.push(['DNS, forwarded name, from a container', `${Math.round(forwarded.qps)} q/s${forwarded.bad ? ` (${forwarded.bad} errors)` : ''}`]);

    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`berth networking, medians of ${N}`);
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    stub.kill();
    await host.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
