/**
 * @module cli/commands/container/flags
 * The container options `run` and `create` share (docker/cli container/opts.go addFlags), with
 * docker 28's names, types and help texts, plus each command's own flags.
 */
import type { FlagSpec } from '../../args.js';
import { boolFlag, intFlag, listFlag, mapFlag, stringFlag } from '../../command.js';
import { validateNetworkValue } from '../../opts/network.js';
import { parseCpus, parseDuration, ramInBytes, swapBytes } from '../../opts/units.js';
import { validateDNSSearch, validateEnv, validateExtraHost, validateIPAddress, validateLabel, validateLink } from '../../opts/kv.js';

const typed = (spec: FlagSpec, typeName: string, defaultText?: string): FlagSpec => ({
  ...spec,
  typeName,
  ...(defaultText !== undefined ? { defaultText } : {}),
  ...(CHECKS[typeName] ? { validate: CHECKS[typeName] } : {}),
});

const check = (parse: (v: string) => unknown) => (v: string) => {
  parse(v);
  return v;
};

/** Validation by flag type, so bad values fail as flag errors (exit 125) like docker's typed flags. */
const CHECKS: Record<string, (v: string) => string> = {
  bytes: check(ramInBytes),
  duration: check(parseDuration),
  decimal: check(parseCpus),
  network: validateNetworkValue,
};

function validateAttach(v: string): string {
  const s = v.toLowerCase();
  if (['stdin', 'stdout', 'stderr'].includes(s)) return s;
  throw new Error('valid streams are STDIN, STDOUT and STDERR');
}

/** Flags berth parses but cannot honour: using one is an error rather than a silent no-op. */
export const UNSUPPORTED_CONTAINER_FLAGS = [
  'mount', 'gpus', 'device', 'device-cgroup-rule', 'device-read-bps', 'device-read-iops', 'device-write-bps',
  'device-write-iops', 'blkio-weight-device', 'volumes-from', 'volume-driver', 'use-api-socket', 'cidfile',
];

export const CONTAINER_FLAGS: FlagSpec[] = [
  listFlag('attach', 'a', 'Attach to STDIN, STDOUT or STDERR', { validate: validateAttach }),
  listFlag('device-cgroup-rule', undefined, 'Add a rule to the cgroup allowed devices list'),
  listFlag('device', undefined, 'Add a host device to the container'),
  typed(stringFlag('gpus', undefined, "GPU devices to add to the container ('all' to pass all GPUs)"), 'gpu-request'),
  listFlag('env', 'e', 'Set environment variables', { validate: validateEnv }),
  listFlag('env-file', undefined, 'Read in a file of environment variables'),
  stringFlag('entrypoint', undefined, 'Overwrite the default ENTRYPOINT of the image'),
  listFlag('group-add', undefined, 'Add additional groups to join'),
  stringFlag('hostname', 'h', 'Container host name'),
  stringFlag('domainname', undefined, 'Container NIS domain name'),
  boolFlag('interactive', 'i', 'Keep STDIN open even if not attached'),
  listFlag('label', 'l', 'Set meta data on a container', { validate: validateLabel }),
  listFlag('label-file', undefined, 'Read in a line delimited file of labels'),
  boolFlag('read-only', undefined, "Mount the container's root filesystem as read only"),
  stringFlag('restart', undefined, 'Restart policy to apply when a container exits', { value: 'no' }),
  stringFlag('stop-signal', undefined, 'Signal to stop the container'),
  intFlag('stop-timeout', undefined, 'Timeout (in seconds) to stop a container'),
  mapFlag('sysctl', undefined, 'Sysctl options'),
  boolFlag('tty', 't', 'Allocate a pseudo-TTY'),
  typed(listFlag('ulimit', undefined, 'Ulimit options'), 'ulimit', '[]'),
  stringFlag('user', 'u', 'Username or UID (format: <name|uid>[:<group|gid>])'),
  stringFlag('workdir', 'w', 'Working directory inside the container'),
  boolFlag('rm', undefined, 'Automatically remove the container and its associated anonymous volumes when it exits'),
  listFlag('cap-add', undefined, 'Add Linux capabilities'),
  listFlag('cap-drop', undefined, 'Drop Linux capabilities'),
  boolFlag('privileged', undefined, 'Give extended privileges to this container'),
  listFlag('security-opt', undefined, 'Security Options'),
  stringFlag('userns', undefined, 'User namespace to use'),
  stringFlag(
    'cgroupns',
    undefined,
    `Cgroup namespace to use (host|private)
'host':    Run the container in the Docker host's cgroup namespace
'private': Run the container in its own private cgroup namespace
'':        Use the cgroup namespace as configured by the
           default-cgroupns-mode option on the daemon (default)`,
  ),
  listFlag('add-host', undefined, 'Add a custom host-to-IP mapping (host:ip)', { validate: validateExtraHost }),
  listFlag('dns', undefined, 'Set custom DNS servers', { validate: validateIPAddress }),
  listFlag('dns-opt', undefined, 'Set DNS options', { hidden: true, aliasOf: 'dns-option' }),
  listFlag('dns-option', undefined, 'Set DNS options'),
  listFlag('dns-search', undefined, 'Set custom DNS search domains', { validate: validateDNSSearch }),
  listFlag('expose', undefined, 'Expose a port or a range of ports'),
  stringFlag('ip', undefined, 'IPv4 address (e.g., 172.30.100.104)'),
  stringFlag('ip6', undefined, 'IPv6 address (e.g., 2001:db8::33)'),
  listFlag('link', undefined, 'Add link to another container', { validate: validateLink }),
  listFlag('link-local-ip', undefined, 'Container IPv4/IPv6 link-local addresses'),
  stringFlag('mac-address', undefined, 'Container MAC address (e.g., 92:d0:c6:0a:29:33)'),
  listFlag('publish', 'p', "Publish a container's port(s) to the host"),
  boolFlag('publish-all', 'P', 'Publish all exposed ports to random ports'),
  typed(listFlag('net', undefined, 'Connect a container to a network', { hidden: true, aliasOf: 'network' }), 'network'),
  typed(listFlag('network', undefined, 'Connect a container to a network'), 'network'),
  listFlag('net-alias', undefined, 'Add network-scoped alias for the container', { hidden: true, aliasOf: 'network-alias' }),
  listFlag('network-alias', undefined, 'Add network-scoped alias for the container'),
  stringFlag('log-driver', undefined, 'Logging driver for the container'),
  stringFlag('volume-driver', undefined, 'Optional volume driver for the container'),
  listFlag('log-opt', undefined, 'Log driver options'),
  listFlag('storage-opt', undefined, 'Storage driver options for the container'),
  listFlag('tmpfs', undefined, 'Mount a tmpfs directory'),
  listFlag('volumes-from', undefined, 'Mount volumes from the specified container(s)'),
  listFlag('volume', 'v', 'Bind mount a volume'),
  typed(listFlag('mount', undefined, 'Attach a filesystem mount to the container'), 'mount'),
  stringFlag('health-cmd', undefined, 'Command to run to check health'),
  typed(stringFlag('health-interval', undefined, 'Time between running the check (ms|s|m|h) (default 0s)'), 'duration'),
  intFlag('health-retries', undefined, 'Consecutive failures needed to report unhealthy'),
  typed(stringFlag('health-timeout', undefined, 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)'), 'duration'),
  typed(
    stringFlag('health-start-period', undefined, 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)'),
    'duration',
  ),
  typed(stringFlag('health-start-interval', undefined, 'Time between running the check during the start period (ms|s|m|h) (default 0s)'), 'duration'),
  boolFlag('no-healthcheck', undefined, 'Disable any container-specified HEALTHCHECK'),
  typed(intFlag('blkio-weight', undefined, 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)'), 'uint16'),
  typed(listFlag('blkio-weight-device', undefined, 'Block IO weight (relative device weight)'), 'list', '[]'),
  stringFlag('cidfile', undefined, 'Write the container ID to the file'),
  stringFlag('cpuset-cpus', undefined, 'CPUs in which to allow execution (0-3, 0,1)'),
  stringFlag('cpuset-mems', undefined, 'MEMs in which to allow execution (0-3, 0,1)'),
  intFlag('cpu-count', undefined, 'CPU count (Windows only)'),
  intFlag('cpu-percent', undefined, 'CPU percent (Windows only)'),
  intFlag('cpu-period', undefined, 'Limit CPU CFS (Completely Fair Scheduler) period'),
  intFlag('cpu-quota', undefined, 'Limit CPU CFS (Completely Fair Scheduler) quota'),
  intFlag('cpu-rt-period', undefined, 'Limit CPU real-time period in microseconds'),
  intFlag('cpu-rt-runtime', undefined, 'Limit CPU real-time runtime in microseconds'),
  intFlag('cpu-shares', 'c', 'CPU shares (relative weight)'),
  typed(stringFlag('cpus', undefined, 'Number of CPUs'), 'decimal'),
  typed(listFlag('device-read-bps', undefined, 'Limit read rate (bytes per second) from a device'), 'list', '[]'),
  typed(listFlag('device-read-iops', undefined, 'Limit read rate (IO per second) from a device'), 'list', '[]'),
  typed(listFlag('device-write-bps', undefined, 'Limit write rate (bytes per second) to a device'), 'list', '[]'),
  typed(listFlag('device-write-iops', undefined, 'Limit write rate (IO per second) to a device'), 'list', '[]'),
  typed(stringFlag('io-maxbandwidth', undefined, 'Maximum IO bandwidth limit for the system drive (Windows only)'), 'bytes'),
  typed(intFlag('io-maxiops', undefined, 'Maximum IOps limit for the system drive (Windows only)'), 'uint'),
  typed(stringFlag('kernel-memory', undefined, 'Kernel memory limit'), 'bytes'),
  typed(stringFlag('memory', 'm', 'Memory limit'), 'bytes'),
  typed(stringFlag('memory-reservation', undefined, 'Memory soft limit'), 'bytes'),
  { ...typed(stringFlag('memory-swap', undefined, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"), 'bytes'), validate: check(swapBytes) },
  intFlag('memory-swappiness', undefined, 'Tune container memory swappiness (0 to 100)', { value: -1 }),
  boolFlag('oom-kill-disable', undefined, 'Disable OOM Killer'),
  intFlag('oom-score-adj', undefined, "Tune host's OOM preferences (-1000 to 1000)"),
  intFlag('pids-limit', undefined, 'Tune container pids limit (set -1 for unlimited)'),
  stringFlag('cgroup-parent', undefined, 'Optional parent cgroup for the container'),
  stringFlag('ipc', undefined, 'IPC mode to use'),
  stringFlag('isolation', undefined, 'Container isolation technology'),
  stringFlag('pid', undefined, 'PID namespace to use'),
  typed(stringFlag('shm-size', undefined, 'Size of /dev/shm'), 'bytes'),
  stringFlag('uts', undefined, 'UTS namespace to use'),
  stringFlag('runtime', undefined, 'Runtime to use for this container'),
  boolFlag('init', undefined, 'Run an init inside the container that forwards signals and reaps processes'),
  mapFlag('annotation', undefined, 'Add an annotation to the container (passed through to the OCI runtime)'),
];

/** The flags of `create` and `run` that are not container options. */
function commonFlags(verb: 'creating' | 'running'): FlagSpec[] {
  return [
    stringFlag('name', undefined, 'Assign a name to the container'),
    stringFlag('pull', undefined, `Pull image before ${verb} ("always", "missing", "never")`, { value: 'missing' }),
    boolFlag('quiet', 'q', 'Suppress the pull output'),
    boolFlag('use-api-socket', undefined, 'Bind mount Docker API socket and required auth'),
    boolFlag('help', undefined, 'Print usage'),
    stringFlag('platform', undefined, 'Set platform if server is multi-platform capable'),
    boolFlag('disable-content-trust', undefined, 'Skip image verification', { value: true }),
  ];
}

export const CREATE_FLAGS: FlagSpec[] = [...commonFlags('creating'), ...CONTAINER_FLAGS];

export const RUN_FLAGS: FlagSpec[] = [
  boolFlag('detach', 'd', 'Run container in background and print container ID'),
  boolFlag('sig-proxy', undefined, 'Proxy received signals to the process', { value: true }),
  stringFlag('detach-keys', undefined, 'Override the key sequence for detaching a container'),
  ...commonFlags('running'),
  ...CONTAINER_FLAGS,
];
