/**
 * An "outside" machine behind a test host: its own network namespace, joined to the test host by
 * a veth (`<prefix>.1/24` on the test host's end, `<prefix>.2/24` on the outside's eth0), so tests
 * can reach published ports from a real remote address and see what address leaves the host.
 * With `whoamiPort`, a busybox httpd on the outside answers `/cgi-bin/ip` with the client address
 * it sees.
 *
 *   const out = await startOutside(host, { prefix: '10.77.0', ifname: 'outx', whoamiPort: 8000 });
 *   await out.run(['busybox', 'wget', '-qO-', `http://${out.hostAddr}:8080/`]);
 *   await out.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type RunOptions, type RunResult, type TestHost } from './testhost.js';
import { waitFor } from './wait.js';

export interface Outside {
  netns: string;
  /** The test host's address towards the outside. */
  hostAddr: string;
  /** The outside's own address. */
  addr: string;
  /** `http://addr:port/cgi-bin/ip`, when started with `whoamiPort`. */
  whoami?: string;
  /** A command inside the outside namespace. */
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

const WHOAMI_CGI = '#!/bin/sh\necho Content-Type: text/plain\necho\necho $REMOTE_ADDR\n';

export async function startOutside(host: TestHost, opts: { prefix: string; ifname: string; whoamiPort?: number }): Promise<Outside> {
  const netns = `berth-to-${randomBytes(3).toString('hex')}`;
  const hostAddr = `${opts.prefix}.1`;
  const addr = `${opts.prefix}.2`;
  const run = (argv: string[], runOpts?: RunOptions) => runCommand(['nsenter', `--net=/run/netns/${netns}`, '--', ...argv], runOpts);
  let httpd: ChildProcess | undefined;
  let www: string | undefined;
  const stop = async () => {
    httpd?.kill();
    await runCommand(['ip', 'netns', 'del', netns]);
    if (www) await rm(www, { recursive: true, force: true });
  };
  try {
    await must(runCommand(['ip', 'netns', 'add', netns]));
    await must(host.sh(['ip', 'link', 'add', opts.ifname, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]));
    await must(host.sh(['ip', 'addr', 'add', `${hostAddr}/24`, 'dev', opts.ifname]));
    await must(host.sh(['ip', 'link', 'set', opts.ifname, 'up']));
    for (const s of [['link', 'set', 'lo', 'up'], ['addr', 'add', `${addr}/24`, 'dev', 'eth0'], ['link', 'set', 'eth0', 'up']]) {
      await must(runCommand(['ip', '-n', netns, ...s]));
    }
    let whoami: string | undefined;
    if (opts.whoamiPort) {
      www = await mkdtemp(join(tmpdir(), 'berth-outside-'));
      await mkdir(join(www, 'cgi-bin'));
      await writeFile(join(www, 'cgi-bin/ip'), WHOAMI_CGI);
      await chmod(join(www, 'cgi-bin/ip'), 0o755);
      httpd = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', 'busybox', 'httpd', '-f', '-p', `${addr}:${opts.whoamiPort}`, '-h', www], { stdio: 'ignore' });
      whoami = `http://${addr}:${opts.whoamiPort}/cgi-bin/ip`;
      const url = whoami;
      await waitFor(async () => (await host.sh(['timeout', '5', 'busybox', 'wget', '-qO-', url])).stdout.trim() === hostAddr, 10_000, 'the outside httpd');
    }
    return { netns, hostAddr, addr, ...(whoami ? { whoami } : {}), run, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function must(p: Promise<RunResult>): Promise<void> {
  const r = await p;
  if (r.code !== 0) throw new Error(`outside setup failed: ${r.stderr}`);
}
