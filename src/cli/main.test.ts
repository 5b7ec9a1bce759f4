/**
 * The CLI as a whole: dispatch, docker's usage and error texts (compared with docker 28.2.2's),
 * exit codes, the daemon address, API version negotiation, and the passthrough commands.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Collector, FakeDaemon } from './testing.fixture.js';
import { main } from './main.js';
import { PassThrough } from 'node:stream';

// `docker <cmd> --help` (docker 28.2.2, 80 columns), with berth for docker in command names.
const NETWORK_CREATE_HELP = "Usage:  berth network create [OPTIONS] NETWORK\n\nCreate a network\n\nOptions:\n      --attachable           Enable manual container attachment\n      --aux-address map      Auxiliary IPv4 or IPv6 addresses used by\n                             Network driver (default map[])\n      --config-from string   The network from which to copy the configuration\n      --config-only          Create a configuration only network\n  -d, --driver string        Driver to manage the Network (default \"bridge\")\n      --gateway strings      IPv4 or IPv6 Gateway for the master subnet\n      --ingress              Create swarm routing-mesh network\n      --internal             Restrict external access to the network\n      --ip-range strings     Allocate container ip from a sub-range\n      --ipam-driver string   IP Address Management Driver (default \"default\")\n      --ipam-opt map         Set IPAM driver specific options (default map[])\n      --ipv4                 Enable or disable IPv4 address assignment\n                             (default true)\n      --ipv6                 Enable or disable IPv6 address assignment\n      --label list           Set metadata on a network\n  -o, --opt map              Set driver specific options (default map[])\n      --scope string         Control the network's scope\n      --subnet strings       Subnet in CIDR format that represents a\n                             network segment\n";
const PS_HELP = "Usage:  berth ps [OPTIONS]\n\nList containers\n\nAliases:\n  berth container ls, berth container list, berth container ps, berth ps\n\nOptions:\n  -a, --all             Show all containers (default shows just running)\n  -f, --filter filter   Filter output based on conditions provided\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n  -n, --last int        Show n last created containers (includes all\n                        states) (default -1)\n  -l, --latest          Show the latest created container (includes all\n                        states)\n      --no-trunc        Don't truncate output\n  -q, --quiet           Only display container IDs\n  -s, --size            Display total file sizes\n";
const RUN_HELP = "Usage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate and run a new container from an image\n\nAliases:\n  berth container run, berth run\n\nOptions:\n      --add-host list                    Add a custom host-to-IP mapping\n                                         (host:ip)\n      --annotation map                   Add an annotation to the\n                                         container (passed through to the\n                                         OCI runtime) (default map[])\n  -a, --attach list                      Attach to STDIN, STDOUT or STDERR\n      --blkio-weight uint16              Block IO (relative weight),\n                                         between 10 and 1000, or 0 to\n                                         disable (default 0)\n      --blkio-weight-device list         Block IO weight (relative device\n                                         weight) (default [])\n      --cap-add list                     Add Linux capabilities\n      --cap-drop list                    Drop Linux capabilities\n      --cgroup-parent string             Optional parent cgroup for the\n                                         container\n      --cgroupns string                  Cgroup namespace to use\n                                         (host|private)\n                                         'host':    Run the container in\n                                         the Docker host's cgroup\n                                         namespace\n                                         'private': Run the container in\n                                         its own private cgroup namespace\n                                         '':        Use the cgroup\n                                         namespace as configured by the\n                                                    default-cgroupns-mode\n                                         option on the daemon (default)\n      --cidfile string                   Write the container ID to the file\n      --cpu-count int                    CPU count (Windows only)\n      --cpu-percent int                  CPU percent (Windows only)\n      --cpu-period int                   Limit CPU CFS (Completely Fair\n                                         Scheduler) period\n      --cpu-quota int                    Limit CPU CFS (Completely Fair\n                                         Scheduler) quota\n      --cpu-rt-period int                Limit CPU real-time period in\n                                         microseconds\n      --cpu-rt-runtime int               Limit CPU real-time runtime in\n                                         microseconds\n  -c, --cpu-shares int                   CPU shares (relative weight)\n      --cpus decimal                     Number of CPUs\n      --cpuset-cpus string               CPUs in which to allow execution\n                                         (0-3, 0,1)\n      --cpuset-mems string               MEMs in which to allow execution\n                                         (0-3, 0,1)\n  -d, --detach                           Run container in background and\n                                         print container ID\n      --detach-keys string               Override the key sequence for\n                                         detaching a container\n      --device list                      Add a host device to the container\n      --device-cgroup-rule list          Add a rule to the cgroup allowed\n                                         devices list\n      --device-read-bps list             Limit read rate (bytes per\n                                         second) from a device (default [])\n      --device-read-iops list            Limit read rate (IO per second)\n                                         from a device (default [])\n      --device-write-bps list            Limit write rate (bytes per\n                                         second) to a device (default [])\n      --device-write-iops list           Limit write rate (IO per second)\n                                         to a device (default [])\n      --disable-content-trust            Skip image verification (default\n                                         true)\n      --dns list                         Set custom DNS servers\n      --dns-option list                  Set DNS options\n      --dns-search list                  Set custom DNS search domains\n      --domainname string                Container NIS domain name\n      --entrypoint string                Overwrite the default ENTRYPOINT\n                                         of the image\n  -e, --env list                         Set environment variables\n      --env-file list                    Read in a file of environment\n                                         variables\n      --expose list                      Expose a port or a range of ports\n      --gpus gpu-request                 GPU devices to add to the\n                                         container ('all' to pass all GPUs)\n      --group-add list                   Add additional groups to join\n      --health-cmd string                Command to run to check health\n      --health-interval duration         Time between running the check\n                                         (ms|s|m|h) (default 0s)\n      --health-retries int               Consecutive failures needed to\n                                         report unhealthy\n      --health-start-interval duration   Time between running the check\n                                         during the start period\n                                         (ms|s|m|h) (default 0s)\n      --health-start-period duration     Start period for the container\n                                         to initialize before starting\n                                         health-retries countdown\n                                         (ms|s|m|h) (default 0s)\n      --health-timeout duration          Maximum time to allow one check\n                                         to run (ms|s|m|h) (default 0s)\n      --help                             Print usage\n  -h, --hostname string                  Container host name\n      --init                             Run an init inside the container\n                                         that forwards signals and reaps\n                                         processes\n  -i, --interactive                      Keep STDIN open even if not attached\n      --io-maxbandwidth bytes            Maximum IO bandwidth limit for\n                                         the system drive (Windows only)\n      --io-maxiops uint                  Maximum IOps limit for the\n                                         system drive (Windows only)\n      --ip string                        IPv4 address (e.g., 172.30.100.104)\n      --ip6 string                       IPv6 address (e.g., 2001:db8::33)\n      --ipc string                       IPC mode to use\n      --isolation string                 Container isolation technology\n      --kernel-memory bytes              Kernel memory limit\n  -l, --label list                       Set meta data on a container\n      --label-file list                  Read in a line delimited file of\n                                         labels\n      --link list                        Add link to another container\n      --link-local-ip list               Container IPv4/IPv6 link-local\n                                         addresses\n      --log-driver string                Logging driver for the container\n      --log-opt list                     Log driver options\n      --mac-address string               Container MAC address (e.g.,\n                                         92:d0:c6:0a:29:33)\n  -m, --memory bytes                     Memory limit\n      --memory-reservation bytes         Memory soft limit\n      --memory-swap bytes                Swap limit equal to memory plus\n                                         swap: '-1' to enable unlimited swap\n      --memory-swappiness int            Tune container memory swappiness\n                                         (0 to 100) (default -1)\n      --mount mount                      Attach a filesystem mount to the\n                                         container\n      --name string                      Assign a name to the container\n      --network network                  Connect a container to a network\n      --network-alias list               Add network-scoped alias for the\n                                         container\n      --no-healthcheck                   Disable any container-specified\n                                         HEALTHCHECK\n      --oom-kill-disable                 Disable OOM Killer\n      --oom-score-adj int                Tune host's OOM preferences\n                                         (-1000 to 1000)\n      --pid string                       PID namespace to use\n      --pids-limit int                   Tune container pids limit (set\n                                         -1 for unlimited)\n      --platform string                  Set platform if server is\n                                         multi-platform capable\n      --privileged                       Give extended privileges to this\n                                         container\n  -p, --publish list                     Publish a container's port(s) to\n                                         the host\n  -P, --publish-all                      Publish all exposed ports to\n                                         random ports\n      --pull string                      Pull image before running\n                                         (\"always\", \"missing\", \"never\")\n                                         (default \"missing\")\n  -q, --quiet                            Suppress the pull output\n      --read-only                        Mount the container's root\n                                         filesystem as read only\n      --restart string                   Restart policy to apply when a\n                                         container exits (default \"no\")\n      --rm                               Automatically remove the\n                                         container and its associated\n                                         anonymous volumes when it exits\n      --runtime string                   Runtime to use for this container\n      --security-opt list                Security Options\n      --shm-size bytes                   Size of /dev/shm\n      --sig-proxy                        Proxy received signals to the\n                                         process (default true)\n      --stop-signal string               Signal to stop the container\n      --stop-timeout int                 Timeout (in seconds) to stop a\n                                         container\n      --storage-opt list                 Storage driver options for the\n                                         container\n      --sysctl map                       Sysctl options (default map[])\n      --tmpfs list                       Mount a tmpfs directory\n  -t, --tty                              Allocate a pseudo-TTY\n      --ulimit ulimit                    Ulimit options (default [])\n      --use-api-socket                   Bind mount Docker API socket and\n                                         required auth\n  -u, --user string                      Username or UID (format:\n                                         <name|uid>[:<group|gid>])\n      --userns string                    User namespace to use\n      --uts string                       UTS namespace to use\n  -v, --volume list                      Bind mount a volume\n      --volume-driver string             Optional volume driver for the\n                                         container\n      --volumes-from list                Mount volumes from the specified\n                                         container(s)\n  -w, --workdir string                   Working directory inside the\n                                         container\n";

let d: FakeDaemon;
beforeEach(async () => {
  d = await FakeDaemon.start();
});
afterEach(() => d.close());

async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new Collector();
  const stderr = new Collector();
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(argv, env, { stdin, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('usage and dispatch', () => {
  it('prints docker\'s --help for network create, ps and run', async () => {
    assert.equal((await runCli(['network', 'create', '--help'])).stdout, NETWORK_CREATE_HELP);
    assert.equal((await runCli(['ps', '--help'])).stdout, PS_HELP);
    assert.equal((await runCli(['container', 'run', '--help'])).stdout.replace('berth container run [', 'berth run ['), RUN_HELP);
    assert.equal((await runCli(['help', 'network', 'create'])).stdout, NETWORK_CREATE_HELP);
  });

  it('lists a management command\'s sub-commands (on stderr without --help, as docker does)', async () => {
    const r = await runCli(['network']);
    assert.equal(r.code, 0);
    assert.equal(
      r.stderr,
      'Usage:  berth network COMMAND\n\nManage networks\n\nCommands:\n  connect     Connect a container to a network\n  create      Create a network\n  disconnect  Disconnect a container from a network\n  inspect     Display detailed information on one or more networks\n  ls          List networks\n  prune       Remove all unused networks\n  rm          Remove one or more networks\n\nRun \'berth network COMMAND --help\' for more information on a command.\n',
    );
    assert.equal((await runCli(['network', '--help'])).stdout, r.stderr);
  });

  const errors: Array<[string[], number, string]> = [
    [['foo'], 1, "berth: unknown command: berth foo\n\nRun 'berth --help' for more information\n"],
    [['network', 'foo'], 1, "berth: unknown command: berth network foo\n\nUsage:  berth network\n\nRun 'berth network --help' for more information\n"],
    [['ps', 'extra'], 1, "berth: 'berth ps' accepts no arguments\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n"],
    [['network', 'create', 'a', 'b'], 1, "berth: 'berth network create' requires 1 argument\n\nUsage:  berth network create [OPTIONS] NETWORK\n\nRun 'berth network create --help' for more information\n"],
    [['stop'], 1, "berth: 'berth stop' requires at least 1 argument\n\nUsage:  berth stop [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'berth stop --help' for more information\n"],
    [['port', 'a', 'b', 'c'], 1, "berth: 'berth port' requires at least 1 and at most 2 arguments\n\nUsage:  berth port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nRun 'berth port --help' for more information\n"],
    [['network', 'connect', 'a'], 1, "berth: 'berth network connect' requires 2 arguments\n\nUsage:  berth network connect [OPTIONS] NETWORK CONTAINER\n\nRun 'berth network connect --help' for more information\n"],
    [['exec', 'a'], 1, "berth: 'berth exec' requires at least 2 arguments\n\nUsage:  berth exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nSee 'berth exec --help' for more information\n"],
    [['run', '--foo'], 125, "unknown flag: --foo\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'berth run --help' for more information\n"],
    [['ps', '-aqz'], 125, "unknown shorthand flag: 'z' in -z\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n"],
    [['network', 'ls', '-n', '3'], 125, "unknown shorthand flag: 'n' in -n\n\nUsage:  berth network ls [OPTIONS]\n\nRun 'berth network ls --help' for more information\n"],
    [['run', '-h'], 125, "flag needs an argument: 'h' in -h\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'berth run --help' for more information\n"],
    [['-H'], 125, "flag needs an argument: 'H' in -H\n\nUsage:  berth [OPTIONS] COMMAND [ARG...]\n\nRun 'berth --help' for more information\n"],
    [['ps', '-n', 'x'], 125, 'invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax\n\nUsage:  berth ps [OPTIONS]\n\nRun \'berth ps --help\' for more information\n'],
  ];
  for (const [argv, code, stderr] of errors) {
    it(`${argv.join(' ')} → ${code}`, async () => {
      const r = await runCli(argv);
      assert.equal(r.stderr, stderr);
      assert.equal(r.code, code);
      assert.equal(r.stdout, '');
    });
  }

  it('-v prints the version', async () => {
    assert.match((await runCli(['-v'])).stdout, /^berth version \d+\.\d+\.\d+\n$/);
  });
});

describe('the daemon address', () => {
  it('an unreachable daemon reads like docker\'s message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-nosock-'));
    try {
      const r = await runCli(['-H', `unix://${dir}/none.sock`, 'ps']);
      assert.deepEqual([r.code, r.stderr], [1, `Cannot connect to the berth daemon at unix://${dir}/none.sock. Is the berth daemon running?\n`]);
      const e = await runCli(['network', 'ls'], { BERTH_HOST: `unix://${dir}/env.sock` });
      assert.equal(e.stderr, `Cannot connect to the berth daemon at unix://${dir}/env.sock. Is the berth daemon running?\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('-H wins over BERTH_HOST', async () => {
    d.on('GET', '/networks', (_req, res) => d.json(res, 200, []));
    const r = await d.run(['network', 'ls', '-q'], { env: { BERTH_HOST: 'unix:///nonexistent.sock' } });
    assert.equal(r.code, 0);
  });
});

describe('API version negotiation', () => {
  beforeEach(() => d.on('GET', '/networks', (_req, res) => d.json(res, 200, [])));

  for (const [server, used] of [['1.44', '1.44'], ['1.51', '1.51'], ['1.56', '1.51']] as const) {
    it(`a daemon speaking ${server} is spoken to as /v${used}`, async () => {
      d.apiVersion = server;
      await d.run(['network', 'ls']);
      assert.deepEqual(d.requests.map((q) => `${q.method} ${q.version || '-'} ${q.path}`), ['HEAD - /_ping', `GET ${used} /networks`]);
    });
  }

  it('falls back to GET /_ping when HEAD is refused', async () => {
    d.headPingFails = true;
    await d.run(['network', 'ls']);
    assert.deepEqual(d.requests.map((q) => `${q.method} ${q.path}`), ['HEAD /_ping', 'GET /_ping', 'GET /networks']);
  });

  it('BERTH_API_VERSION fixes the version without a ping', async () => {
    await d.run(['network', 'ls'], { env: { BERTH_API_VERSION: '1.47' } });
    assert.deepEqual(d.requests.map((q) => `${q.method} ${q.version} ${q.path}`), ['GET 1.47 /networks']);
  });
});

describe('version', () => {
  it('prints Client and Server like docker', async () => {
    d.on('GET', '/version', (_req, res) =>
      d.json(res, 200, {
        Platform: { Name: 'berth' },
        Components: [{ Name: 'Engine', Version: '0.1.0', Details: { ApiVersion: '1.51', Arch: 'amd64', BuildTime: '', Experimental: 'false', GitCommit: 'abc', GoVersion: 'node20.0.0', KernelVersion: '6.1', MinAPIVersion: '1.24', Os: 'linux' } }],
        Version: '0.1.0', ApiVersion: '1.51', MinAPIVersion: '1.24', GitCommit: 'abc', GoVersion: 'node20.0.0', Os: 'linux', Arch: 'amd64', KernelVersion: '6.1', BuildTime: '',
      }),
    );
    const r = await d.run(['version']);
    assert.equal(r.code, 0);
    const server = r.stdout.slice(r.stdout.indexOf('Server:'));
    assert.equal(
      server,
      'Server: berth\n Engine:\n  Version:          0.1.0\n  API version:      1.51 (minimum version 1.24)\n  Go version:       node20.0.0\n  Git commit:       abc\n  Built:            \n  OS/Arch:          linux/amd64\n  Experimental:     false\n',
    );
    assert.match(r.stdout, /^Client:\n Version:           \S+\n API version:       1\.51\n/);
    assert.equal((await d.run(['version', '--format', '{{.Server.APIVersion}}'])).stdout, '1.51\n');
    d.apiVersion = '1.44';
    assert.match((await d.run(['version'])).stdout, /API version:       1\.44 \(downgraded from 1\.51\)/);
  });

  it('prints the client part, then the error, when the daemon is away', async () => {
    const r = await runCli(['-H', 'unix:///nonexistent/berth.sock', 'version']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Client:\n/);
    assert.doesNotMatch(r.stdout, /Server/);
    assert.equal(r.stderr, 'Cannot connect to the berth daemon at unix:///nonexistent/berth.sock. Is the berth daemon running?\n');
  });
});

describe('passthrough commands', () => {
  it('compose gets its arguments and the socket', async () => {
    const r = await d.run(['compose', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage:  berth compose \[OPTIONS\] COMMAND/);
  });
});
