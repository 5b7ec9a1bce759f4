/**
 * @module daemon/options
 * berthd's command line. Small on purpose: instance naming, paths, upstream DNS, address pools.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter } from '../lib/errors.js';
import { DEFAULT_INSTANCE, type InstanceOptions } from '../lib/names.js';

export interface DaemonOptions extends InstanceOptions {
  command: 'run' | 'purge';
  dns: string[];
  resolvConf: string;
  bip?: string;
  defaultAddressPools: Array<{ base: string; size: number }>;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  shimPath: string;
  runtimePath: string;
}

export const DAEMON_USAGE = `Usage:  berth daemon [purge] [OPTIONS]

Run the berth daemon (the Docker Engine API on a unix socket).
"purge" removes everything the instance made instead: containers, networks, kernel state, data.

Options:
      --prefix string                 Instance prefix for every kernel name (default "berth")
      --data-root string              Persistent state (default "/var/lib/berth")
      --exec-root string              Volatile state (default "/run/berth")
  -H, --host string                   Socket to listen on (default "unix:///run/berth/berth.sock")
      --dns list                      Upstream DNS servers for the embedded resolver ("ip" or "ip:port")
      --resolv-conf string            Host resolv.conf to base containers' files on (default "/etc/resolv.conf")
      --bip string                    Default bridge network address, e.g. 172.17.0.1/16
      --default-address-pool list     base=CIDR,size=N (repeatable)
      --log-level string              debug, info, warn or error (default "info")
      --shim string                   Path of berth-shim
      --runtime string                Path of runc (default "/usr/sbin/runc")
`;

export function parseDaemonArgs(argv: string[]): DaemonOptions {
  const opts: DaemonOptions = {
    ...DEFAULT_INSTANCE,
    command: 'run',
    dns: [],
    resolvConf: '/etc/resolv.conf',
    defaultAddressPools: [],
    logLevel: 'info',
    shimPath: defaultShimPath(),
    runtimePath: existsSync('/usr/sbin/runc') ? '/usr/sbin/runc' : 'runc',
  };
  let socketGiven = false;
  let runRootGiven = false;
  const args = [...argv];
  while (args.length) {
    const arg = args.shift()!;
    if (arg === 'purge' || arg === 'run') {
      opts.command = arg;
      continue;
    }
    const [flag, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args.shift();
      if (v === undefined) throw invalidParameter(`flag needs an argument: ${flag}`);
      return v;
    };
    switch (flag) {
      case '--prefix': opts.prefix = value(); break;
      case '--data-root': opts.dataRoot = resolve(value()); break;
      case '--exec-root': case '--run-root': opts.runRoot = resolve(value()); runRootGiven = true; break;
      case '-H': case '--host': opts.socket = resolve(value().replace(/^unix:\/\//, '')); socketGiven = true; break;
      case '--dns': opts.dns.push(value()); break;
      case '--resolv-conf': opts.resolvConf = value(); break;
      case '--bip': opts.bip = value(); break;
      case '--default-address-pool': opts.defaultAddressPools.push(parsePool(value())); break;
      case '--log-level': opts.logLevel = value() as DaemonOptions['logLevel']; break;
      case '--shim': opts.shimPath = resolve(value()); break;
      case '--runtime': opts.runtimePath = value(); break;
      case '-h': case '--help': throw Object.assign(new Error(DAEMON_USAGE), { usage: true });
      default: throw invalidParameter(`unknown flag: ${flag}\nSee 'berth daemon --help'.`);
    }
  }
  if (runRootGiven && !socketGiven) opts.socket = join(opts.runRoot, 'berth.sock');
  return opts;
}

function parsePool(spec: string): { base: string; size: number } {
  const fields = Object.fromEntries(spec.split(',').map((kv) => kv.split('=') as [string, string]));
  if (!fields.base || !fields.size || !/^\d+$/.test(fields.size)) throw invalidParameter(`invalid default address pool "${spec}": want base=CIDR,size=N`);
  return { base: fields.base, size: Number(fields.size) };
}

/** The shim sits in the repo's shim/ directory, next to dist/. */
function defaultShimPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '../../../shim/berth-shim'), join(here, '../../shim/berth-shim')]) {
    if (existsSync(candidate)) return resolve(candidate);
  }
  return 'berth-shim';
}
