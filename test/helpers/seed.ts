/**
 * Shared pieces of the seed-tutorial replays (test/integration/seed-*.test.ts): a test host whose
 * "machine resolver" is a DNS stub on a test address, HTTP from the test host, an interactive
 * `exec -it` under a pseudo-terminal, and the check that a replay left nothing behind.
 *
 * The stub listens on 192.0.2.53:53 (an address on the test host's lo) and the daemon gets it as
 * `--dns`, so both resolvers Docker gives containers use it: the embedded one (127.0.0.11, user
 * networks) forwards there, and default-bridge containers get it as their nameserver. Names in
 * the table answer (e.g. redhat.com -> 192.0.2.10, another lo address, which answers pings);
 * every other name is NXDOMAIN. Nothing leaves the test host.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startDnsStub, type DnsStub } from './dns-stub.js';
import type { Cli, CliName } from './cli.js';
import { REPO, runCommand, TestHost } from './testhost.js';

export const root = process.getuid?.() === 0;
export const RESOLVER_ADDRESS = '192.0.2.53';

export interface SeedHost {
  host: TestHost;
  stub: DnsStub;
  stop(): Promise<void>;
}

/** A test host whose upstream resolver is the stub; `extraAddresses` go on its lo too (/32). */
export async function startSeedHost(table: Record<string, string[]> = {}, extraAddresses: string[] = []): Promise<SeedHost> {
  const host = await TestHost.start({ dns: [RESOLVER_ADDRESS] });
  try {
    for (const a of [RESOLVER_ADDRESS, ...extraAddresses]) {
      const r = await host.sh(['ip', 'addr', 'add', `${a}/32`, 'dev', 'lo']);
      assert.equal(r.code, 0, r.stderr);
    }
    const stub = await startDnsStub(host, table, { address: RESOLVER_ADDRESS, port: 53 });
    return {
      host,
      stub,
      stop: async () => {
        await stub.stop();
        await host.stop();
      },
    };
  } catch (err) {
    await host.stop();
    throw err;
  }
}

/** Run a CLI command that must succeed; returns its stdout. */
export function mustRun(run: Cli): (args: string[]) => Promise<string> {
  return async (args) => {
    const r = await run(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
}

export interface HttpResult {
  status: number;
  body: string;
}

/** `curl URL` from the test host (status 0: no answer). */
export async function curl(host: TestHost, url: string): Promise<HttpResult> {
  const r = await host.sh(['curl', '-sS', '--noproxy', '*', '-m', '8', '-o', '-', '-w', '\n%{http_code}', url], { timeoutMs: 15_000 });
  const at = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(at + 1)) || 0, body: r.stdout.slice(0, Math.max(at, 0)) };
}

/** An HTTP/1.0 GET from inside a container with busybox nc: the whole response (status line, headers, body). */
export function ncGetScript(host: string, port: number, path: string): string {
  return `printf 'GET ${path} HTTP/1.0\\r\\nHost: ${host}\\r\\n\\r\\n' | nc -w 3 ${host} ${port}`;
}

/** The Containers section of `network inspect` as the seed's `sed -n '/Containers/,/Options/p'` prints it. */
export async function sedContainers(inspectOutput: string): Promise<string> {
  const r = await runCommand(['sed', '-n', '/Containers/,/Options/p'], { input: inspectOutput });
  return r.stdout;
}

/** After a replay: no container, and only the predefined networks. */
export async function assertNothingLeft(run: Cli): Promise<void> {
  assert.equal((await run(['ps', '-aq'])).stdout, '');
  assert.equal((await run(['network', 'ls', '--format', '{{.Name}}'])).stdout, 'bridge\nhost\nnone\n');
}

export interface Interactive {
  code: number;
  /** Everything the terminal showed, with \r\n turned into \n and terminal queries removed. */
  transcript: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `exec -it` (or any -it command) under a pseudo-terminal (`script`), typing each line once the
 * previous prompt has appeared, as a person at the keyboard would.
 */
export function interactive(host: TestHost, name: CliName, args: string[], lines: string[], prompt = '/ # '): Promise<Interactive> {
  const argv =
    name === 'docker'
      ? ['docker', '-H', `unix://${host.socket}`, ...args]
      : [process.execPath, join(REPO, 'dist/src/cli/main.js'), '-H', `unix://${host.socket}`, ...args];
  const env = { ...process.env, DOCKER_CONFIG: join(host.dir, 'docker-config'), TERM: 'xterm' };
  const child = spawn('script', ['-qec', argv.map(shellQuote).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let out = '';
  let seen = 0;
  const queue = [...lines];
  const typeNext = () => {
    const at = out.indexOf(prompt, seen);
    if (at < 0 || !queue.length) return;
    seen = at + prompt.length;
    child.stdin.write(`${queue.shift()}\n`);
  };
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    typeNext();
  });
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // eslint-disable-next-line no-control-regex
      resolve({ code: code ?? 128, transcript: out.replace(/\r\n/g, '\n').replace(/\x1b\[6n/g, '') });
    });
  });
}
