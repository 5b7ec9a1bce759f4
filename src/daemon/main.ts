/**
 * @module daemon/main
 * berthd's composition root: store, drivers, engine, API server, signals. On SIGTERM the API
 * closes and containers keep running under their shims (live restore); the next start
 * reattaches. `purge` removes everything the instance made.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { log, setLogLevel } from '../lib/log.js';
import { InstanceNames } from '../lib/names.js';
import { FileStore } from '../store/file.js';
import { Engine, readHostResolvConf } from '../engine/engine.js';
import { parseResolvConf } from '../engine/etc-files.js';
import { createApiServer } from '../api/server.js';
import { Router } from '../api/router.js';
import { registerRoutes } from '../api/routes.js';
import { createDrivers, createSandboxKernel, initHost, hostReservedPrefixes } from '../drivers/registry.js';
import { purgeInstance } from './purge.js';
import { parseDaemonArgs, DAEMON_USAGE, type DaemonOptions } from './options.js';

export const API_VERSION = '1.51';
export const MIN_API_VERSION = '1.24';
/** How often the host's resolv.conf is checked for changes. */
const RESOLV_POLL_MS = 2000;

export async function runDaemon(argv: string[]): Promise<void> {
  let opts: DaemonOptions;
  try {
    opts = parseDaemonArgs(argv);
  } catch (err) {
    if ((err as { usage?: boolean }).usage) {
      process.stdout.write(DAEMON_USAGE);
      return;
    }
    throw err;
  }
  setLogLevel(opts.logLevel);
  if (process.getuid?.() !== 0) throw new Error('berth daemon must run as root');
  const names = new InstanceNames(opts);
  if (opts.command === 'purge') return purgeInstance(names, opts);
  await claimPidFile(names);
  let hostResolv = parseResolvConf(await readHostResolvConf(opts.resolvConf));
  const upstreams = opts.dns.length ? opts.dns : hostResolv.nameservers;
  const daemonDns = opts.dns.map((d) => d.replace(/:\d+$/, ''));
  const store = await FileStore.open(names.storeDir());
  await initHost(names);
  const engine = await Engine.open({
    names,
    store,
    opts: {
      dnsUpstreams: upstreams,
      hostResolv: { ...hostResolv, nameservers: opts.dns.length ? daemonDns : hostResolv.nameservers },
      ...(opts.defaultAddressPools.length ? { defaultAddressPools: opts.defaultAddressPools } : {}),
      ...(opts.bip ? { defaultBridgeSubnet: opts.bip } : {}),
      shimPath: opts.shimPath,
      runtimePath: opts.runtimePath,
    },
    drivers: createDrivers(names),
    sandboxKernel: createSandboxKernel(names),
    hostReserved: () => hostReservedPrefixes(hostResolv.nameservers),
  });
  const router = new Router();
  registerRoutes(router, engine, {
    version: packageVersion(),
    apiVersion: API_VERSION,
    minApiVersion: MIN_API_VERSION,
    gitCommit: '',
    buildTime: '',
  });
  const server = createApiServer(router, {
    socketPath: names.socket(),
    mode: 0o660,
    version: { api: API_VERSION, minApi: MIN_API_VERSION, server: packageVersion() },
  });
  // Docker reads the host's resolv.conf at each container start; berth follows the file instead.
  const resolvPath = opts.resolvConf;
  const onResolvChange = async () => {
    const next = parseResolvConf(await readHostResolvConf(resolvPath));
    if (JSON.stringify(next) === JSON.stringify(hostResolv)) return;
    hostResolv = next;
    log.info(`${resolvPath} changed: nameservers ${next.nameservers.join(' ') || '(none)'}`);
    engine.setHostResolv(
      { ...next, nameservers: opts.dns.length ? daemonDns : next.nameservers },
      opts.dns.length ? undefined : next.nameservers,
    );
  };
  watchFile(resolvPath, { interval: RESOLV_POLL_MS, persistent: false }, () => void onResolvChange());
  await server.listen();
  log.info(`berthd ${packageVersion()} (instance "${names.prefix}") listening on unix://${names.socket()}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info(`received ${signal}, shutting down (containers keep running)`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  unwatchFile(resolvPath);
  await server.close().catch((err) => log.warn('closing the API server failed', err));
  await engine.close().catch((err) => log.warn('closing the engine failed', err));
  await rm(names.pidFile(), { force: true });
}

/** One daemon per instance: refuse to start while another live process holds the pid file. */
async function claimPidFile(names: InstanceNames): Promise<void> {
  await mkdir(names.opts.runRoot, { recursive: true });
  try {
    const pid = Number((await readFile(names.pidFile(), 'utf8')).trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`a berth daemon (pid ${pid}) is already running for instance "${names.prefix}"; its pid file is ${names.pidFile()}`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await writeFile(names.pidFile(), `${process.pid}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}
