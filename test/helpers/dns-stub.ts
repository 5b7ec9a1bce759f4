/**
 * A stub upstream DNS server for integration tests, run inside a test host (never the machine's
 * real resolvers): the daemon gets `TestHost.start({ dns: ['127.0.0.1:5353'] })` and forwards
 * the names that are not its own here.
 *
 *   const stub = await startDnsStub(host, { 'www.upstream.test': ['192.0.2.10'] });
 *   ...
 *   stub.queries()   // ["www.upstream.test A", ...] as the stub saw them
 *   await stub.stop();
 *
 * Names in the table get their A records (AAAA: an empty NOERROR); every other name NXDOMAIN.
 * Run as a program (`node dist/test/helpers/dns-stub.js <address> <port> <json table>`) it
 * prints "ready" once bound, then one line per query.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { decodeMessage, encodeMessage, RCODE, TYPE } from '../../src/dns/wire.js';
import { reply } from '../../src/dns/stub.fixture.js';
import type { TestHost } from './testhost.js';

export const STUB_PORT = 5353;
export const STUB_UPSTREAM = `127.0.0.1:${STUB_PORT}`;

export interface DnsStub {
  /** "name TYPE" for every query the stub answered, in arrival order. */
  queries(): string[];
  stop(): Promise<void>;
}

export interface DnsStubOptions {
  /** An address the test host already has (default 127.0.0.1). */
  address?: string;
  /** Default STUB_PORT (5353). */
  port?: number;
}

/**
 * Start the stub inside the test host's netns, by default at 127.0.0.1:5353 (the host must have
 * been started with dns: [STUB_UPSTREAM]). Another address lets it play a container's `--dns`
 * server, e.g. one added to the test host's `lo`.
 */
export async function startDnsStub(host: TestHost, table: Record<string, string[]>, opts: DnsStubOptions = {}): Promise<DnsStub> {
  const self = fileURLToPath(import.meta.url);
  const address = opts.address ?? '127.0.0.1';
  const port = opts.port ?? STUB_PORT;
  const child: ChildProcess = spawn(
    'nsenter',
    [`--net=/run/netns/${host.netns}`, '--', process.execPath, self, address, String(port), JSON.stringify(table)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let buffered = '';
  let errors = '';
  child.stderr!.on('data', (b: Buffer) => (errors += b.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      buffered += b.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        if (line === 'ready') resolve();
        else lines.push(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`dns stub exited with ${code}: ${errors}`)));
  });
  return {
    queries: () => [...lines],
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const TYPE_NAMES = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));

function serve(address: string, port: number, table: Record<string, string[]>): void {
  const known = new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]));
  const socket = createSocket('udp4');
  socket.on('message', (raw, peer) => {
    let query;
    try {
      query = decodeMessage(raw);
    } catch {
      return;
    }
    const q = query.questions[0];
    if (!q) return;
    const name = q.name.toLowerCase().replace(/\.$/, '');
    process.stdout.write(`${name} ${TYPE_NAMES.get(q.type) ?? q.type}\n`);
    const addresses = known.get(name);
    const out = addresses
      ? reply(query, q.type === TYPE.A ? addresses : [])
      : reply(query, [], { rcode: RCODE.NXDOMAIN });
    socket.send(encodeMessage(out), peer.port, peer.address);
  });
  socket.bind(port, address, () => process.stdout.write('ready\n'));
  process.on('SIGTERM', () => socket.close(() => process.exit(0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [address = '127.0.0.1', port = String(STUB_PORT), table = '{}'] = process.argv.slice(2);
  serve(address, Number(port), JSON.parse(table) as Record<string, string[]>);
}
