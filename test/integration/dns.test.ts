/**
 * Issue #3: the embedded DNS of user-defined networks, looked up from inside real containers
 * (busybox nslookup and ping) through 127.0.0.11, with a stub upstream inside the test host.
 *
 * The test host's resolv.conf has `search test.local`, which containers inherit; busybox
 * nslookup then asks only `NAME.test.local` for a single label (Docker behaves the same), so the
 * clients that run nslookup are started with `--dns-search .` (Docker: no search domains).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDnsStub, STUB_UPSTREAM, type DnsStub } from '../helpers/dns-stub.js';
import { TestHost, type RunResult } from '../helpers/testhost.js';
import { waitFor } from '../helpers/wait.js';

const root = process.getuid?.() === 0;

/** The addresses in busybox nslookup's answer section (the server's own address excluded). */
function answerAddresses(r: RunResult): string[] {
  const answer = r.stdout.split('\n').slice(2).join('\n');
  return [...answer.matchAll(/^Address: (\S+)$/gm)].map((m) => m[1]!);
}

describe('embedded DNS on user-defined networks', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  let stub: DnsStub;
  const ip: Record<string, string> = {};
  let webId = '';

  const berth = (args: string[]) => host.berth(args);
  /** Run nslookup (args) in a long-lived client container. */
  const lookup = async (client: string, ...args: string[]) => {
    const r = await host.berth(['exec', client, 'nslookup', ...args]);
    // nslookup always names its server first; without that line the exec itself failed
    assert.match(r.stdout, /^Server:/, `exec ${client} nslookup ${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    return r;
  };
  const resolves = async (client: string, name: string): Promise<string[]> => {
    const r = await lookup(client, '-type=a', name);
    return r.code === 0 ? answerAddresses(r) : [];
  };
  const addressOn = async (container: string, net: string) => {
    const r = await berth(['inspect', '--format', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, container]);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\.\d+\n$/, `address of ${container} on ${net}: exit ${r.code} ${r.stderr}`);
    return r.stdout.trim();
  };
  const ok = (r: RunResult) => assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);

  before(async () => {
    host = await TestHost.start({ dns: [STUB_UPSTREAM] });
    stub = await startDnsStub(host, { 'www.upstream.test': ['192.0.2.10'] });
    // The upstream's answer is an address of the test host, so pinging it stays inside the test netns.
    ok(await host.sh(['ip', 'addr', 'add', '192.0.2.10/32', 'dev', 'lo']));
    ok(await berth(['network', 'create', 'neta']));
    ok(await berth(['network', 'create', 'netb']));
    const web = await berth(['run', '-d', '--name', 'web', '--network', 'neta', '--network-alias', 'www', '--network-alias', 'frontend',
      '--hostname', 'webhost', 'busybox', 'sleep', '600']);
    ok(web);
    webId = web.stdout.trim();
    for (const [name, net] of [['cli', 'neta'], ['clib', 'netb']] as const) {
      ok(await berth(['run', '-d', '--name', name, '--network', net, '--dns-search', '.', 'busybox', 'sleep', '600']));
    }
    ip.web = await addressOn('web', 'neta');
  });

  after(async () => {
    await stub?.stop();
    await host?.stop();
  });

  test('resolv.conf on a user network points at 127.0.0.11 with ndots:0 and the host search domains', async () => {
    const r = await berth(['run', '--rm', '--network', 'neta', 'busybox', 'cat', '/etc/resolv.conf']);
    ok(r);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.filter((l) => /^(nameserver|search|options)\b/.test(l)), ['nameserver 127.0.0.11', 'search test.local', 'options ndots:0']);
    // Docker's trailer: the servers forwarded to, dialled from the host (the daemon's --dns here, port aside)
    assert.deepEqual(lines.filter((l) => l.startsWith('# ') && !/berth|edited|modified/.test(l)),
      ['# ExtServers: [host(127.0.0.1)]', '# Overrides: []', '# Option ndots from: internal']);
    // --dns-search . leaves no search line (Docker's way to drop the host's domains)
    const bare = await host.berth(['exec', 'cli', 'cat', '/etc/resolv.conf']);
    assert.deepEqual(bare.stdout.split('\n').filter((l) => /^(nameserver|search|options)\b/.test(l)), ['nameserver 127.0.0.11', 'options ndots:0']);
    assert.match(bare.stdout, /^# Overrides: \[search\]$/m);
  });

  test('default bridge: no embedded resolver, the host servers (loopback ones replaced), no container names', async () => {
    const r = await berth(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']);
    ok(r);
    assert.doesNotMatch(r.stdout, /127\.0\.0\.11/);
    // The test host's only server is 127.0.0.1, useless inside a container: Docker's fallback.
    assert.deepEqual(r.stdout.split('\n').filter((l) => /^(nameserver|search|options)\b/.test(l)),
      ['nameserver 8.8.8.8', 'nameserver 8.8.4.4', 'search test.local']);
    assert.match(r.stdout, /^# Used default nameservers\.$/m);
    assert.doesNotMatch(r.stdout, /ExtServers|ndots/);
    // Nobody answers on 127.0.0.11 or on the bridge gateway (only asked there: the fallback servers are not real).
    const gw = (await berth(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'bridge'])).stdout.trim();
    for (const server of ['127.0.0.11', gw]) {
      const q = await berth(['run', '--rm', 'busybox', 'nslookup', 'web', server]);
      assert.notEqual(q.code, 0, q.stdout);
      assert.deepEqual(answerAddresses(q), []);
    }
  });

  test('container name, --network-alias, short ID, hostname and name.network resolve', async () => {
    for (const name of ['web', 'www', 'frontend', webId.slice(0, 12), 'webhost', 'web.neta', 'www.neta', 'WEB', 'web.']) {
      assert.deepEqual(await resolves('cli', name), [ip.web!], name);
    }
    // through 127.0.0.11 named explicitly, and with getaddrinfo (ping) from a container keeping the search domain
    const explicit = await lookup('cli', 'web', '127.0.0.11');
    ok(explicit);
    assert.match(explicit.stdout, new RegExp(`^Name:\\s+web\\nAddress: ${ip.web!.replace(/\./g, '\\.')}$`, 'm'));
    const ping = await berth(['run', '--rm', '--network', 'neta', 'busybox', 'ping', '-c1', 'web']);
    ok(ping);
    assert.match(ping.stdout, new RegExp(`^PING web \\(${ip.web!.replace(/\./g, '\\.')}\\)`));
    assert.match(ping.stdout, /1 packets received/);
  });

  test('PTR of a container address names <name>.<network>', async () => {
    const r = await lookup('cli', ip.web!);
    ok(r);
    const rev = ip.web!.split('.').reverse().join('.');
    assert.match(r.stdout, new RegExp(`^${rev.replace(/\./g, '\\.')}\\.in-addr\\.arpa\\s+name = web\\.neta$`, 'm'));
  });

  test('AAAA for a container name is an empty NOERROR answered locally', async () => {
    const before = stub.queries().length;
    const r = await lookup('cli', '-type=aaaa', 'web');
    assert.equal(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /can't find/);
    assert.deepEqual(answerAddresses(r), []);
    assert.deepEqual(stub.queries().slice(before), []);
  });

  test('names are scoped to the asker networks', async () => {
    for (const name of ['web', 'www', 'web.neta', webId.slice(0, 12)]) {
      const r = await lookup('clib', '-type=a', name);
      assert.notEqual(r.code, 0, `${name}: ${r.stdout}`);
      assert.match(r.stdout, /can't find/, `${name}: exit ${r.code} ${r.stderr}`);
    }
    // the miss went upstream as the plain name, like any unknown name
    assert.ok(stub.queries().includes('web A'), stub.queries().join(', '));
  });

  test('an alias shared by two containers returns both addresses, in shuffled order', async () => {
    for (const name of ['pool1', 'pool2']) {
      ok(await berth(['run', '-d', '--name', name, '--network', 'neta', '--network-alias', 'pool', 'busybox', 'sleep', '600']));
    }
    const pool1 = await addressOn('pool1', 'neta');
    const expected = [pool1, await addressOn('pool2', 'neta')].sort();
    assert.deepEqual((await resolves('cli', 'pool')).sort(), expected);
    assert.deepEqual(await resolves('cli', 'pool1'), [pool1]);
    // 20 lookups in one exec: both orders show up (failure chance 2^-19)
    const many = await berth(['exec', 'cli', 'sh', '-c', 'for i in $(seq 20); do nslookup -type=a pool | grep "^Address: " | sed -n 2p; done']);
    ok(many);
    const firsts = new Set(many.stdout.trim().split('\n').map((l) => l.replace('Address: ', '')));
    assert.deepEqual([...firsts].sort(), expected, many.stdout);
    ok(await berth(['rm', '-f', 'pool1', 'pool2']));
    await waitFor(async () => (await resolves('cli', 'pool')).length === 0, 10_000, 'pool gone');
  });

  test('network connect --alias adds names on that network; disconnect removes them', async () => {
    ok(await berth(['network', 'connect', '--alias', 'dbalias', 'netb', 'web']));
    const webB = await addressOn('web', 'netb');
    for (const name of ['web', 'dbalias', 'web.netb', 'dbalias.netb', 'webhost', webId.slice(0, 12)]) {
      assert.deepEqual(await resolves('clib', name), [webB], name);
    }
    // the alias is scoped to netb: cli (neta only) does not see it; web on neta still answers with its neta address
    assert.deepEqual(await resolves('cli', 'dbalias'), []);
    assert.deepEqual(await resolves('cli', 'web'), [ip.web!]);
    const ptr = await lookup('clib', webB);
    assert.match(ptr.stdout, /name = web\.netb$/m);

    ok(await berth(['network', 'disconnect', 'netb', 'web']));
    await waitFor(async () => (await resolves('clib', 'web')).length === 0, 10_000, 'web gone from netb');
    assert.deepEqual(await resolves('clib', 'dbalias'), []);
    assert.deepEqual(await resolves('cli', 'web'), [ip.web!]);
  });

  test('names appear on run and disappear on stop and rm', async () => {
    ok(await berth(['run', '-d', '--name', 'late', '--network', 'neta', '--network-alias', 'latecomer', 'busybox', 'sleep', '600']));
    const lateIp = await addressOn('late', 'neta');
    await waitFor(async () => (await resolves('cli', 'latecomer'))[0] === lateIp, 10_000, 'late appears');
    ok(await berth(['stop', '-t', '0', 'late']));
    await waitFor(async () => (await resolves('cli', 'late')).length === 0, 10_000, 'late gone after stop');
    assert.deepEqual(await resolves('cli', 'latecomer'), []);
    ok(await berth(['start', 'late']));
    const again = await addressOn('late', 'neta');
    await waitFor(async () => (await resolves('cli', 'late'))[0] === again, 10_000, 'late back after start');
    ok(await berth(['rm', '-f', 'late']));
    await waitFor(async () => (await resolves('cli', 'late')).length === 0, 10_000, 'late gone after rm');
  });

  test('unknown names go to the upstream; its NXDOMAIN comes back', async () => {
    const r = await lookup('cli', '-type=a', 'www.upstream.test');
    ok(r);
    assert.deepEqual(answerAddresses(r), ['192.0.2.10']);
    assert.ok(stub.queries().includes('www.upstream.test A'), stub.queries().join(', '));

    const nx = await lookup('cli', '-type=a', 'nothing.upstream.test');
    assert.notEqual(nx.code, 0);
    assert.match(nx.stdout, /can't find nothing\.upstream\.test: NXDOMAIN/);
    assert.ok(stub.queries().includes('nothing.upstream.test A'));

    // getaddrinfo through the same path (a container keeping the search domain, ndots:0: the name as given first)
    const ping = await berth(['run', '--rm', '--network', 'neta', 'busybox', 'ping', '-c1', '-W2', 'www.upstream.test']);
    assert.match(ping.stdout, /^PING www\.upstream\.test \(192\.0\.2\.10\)/);
    assert.match(ping.stdout, /1 packets received/);
  });

  test('--internal network: its names resolve, external names are not forwarded (SERVFAIL)', async () => {
    ok(await berth(['network', 'create', '--internal', 'vault']));
    ok(await berth(['run', '-d', '--name', 'secret', '--network', 'vault', '--dns-search', '.', 'busybox', 'sleep', '600']));
    ok(await berth(['run', '-d', '--name', 'keeper', '--network', 'vault', 'busybox', 'sleep', '600']));
    assert.deepEqual(await resolves('secret', 'keeper'), [await addressOn('keeper', 'vault')]);
    const before = stub.queries().length;
    const r = await lookup('secret', '-type=a', 'www.upstream.test');
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /can't find www\.upstream\.test: SERVFAIL/);
    assert.deepEqual(stub.queries().slice(before), []);
    // a container also on a non-internal network is forwarded for
    ok(await berth(['network', 'connect', 'neta', 'secret']));
    assert.deepEqual(await resolves('secret', 'www.upstream.test'), ['192.0.2.10']);
    ok(await berth(['rm', '-f', 'secret', 'keeper']));
    ok(await berth(['network', 'rm', 'vault']));
  });

  test('run --dns on a user network: resolv.conf keeps 127.0.0.11, the embedded server forwards to that server', async () => {
    // A second stub plays the container's --dns server on an address of the test host (reachable
    // from the container through its gateway and from the daemon alike).
    const mine = '192.0.2.53';
    ok(await host.sh(['ip', 'addr', 'add', `${mine}/32`, 'dev', 'lo']));
    const own = await startDnsStub(host, { 'only.mine.test': ['192.0.2.77'] }, { address: mine, port: 53 });
    try {
      ok(await berth(['run', '-d', '--name', 'custom', '--network', 'neta', '--dns', mine, '--dns-search', '.', 'busybox', 'sleep', '600']));
      const conf = await berth(['exec', 'custom', 'cat', '/etc/resolv.conf']);
      assert.deepEqual(conf.stdout.split('\n').filter((l) => /^nameserver\b/.test(l)), ['nameserver 127.0.0.11']);
      // an override: bare, not host(...) (Docker dials it from the container; here it is reachable from both)
      assert.match(conf.stdout, new RegExp(`^# ExtServers: \\[${mine.replace(/\./g, '\\.')}\\]$`, 'm'));
      assert.match(conf.stdout, /^# Overrides: \[nameservers search\]$/m);
      const before = stub.queries().length;
      assert.deepEqual(await resolves('custom', 'only.mine.test'), ['192.0.2.77']);
      assert.ok(own.queries().includes('only.mine.test A'), own.queries().join(', '));
      assert.deepEqual(stub.queries().slice(before), [], 'the daemon upstream was not asked');
      // its own names still come from the embedded table
      assert.deepEqual(await resolves('custom', 'web'), [ip.web!]);
      // other containers keep the daemon upstream
      assert.deepEqual(await resolves('cli', 'only.mine.test'), []);
      ok(await berth(['rm', '-f', 'custom']));
    } finally {
      await own.stop();
      await host.sh(['ip', 'addr', 'del', `${mine}/32`, 'dev', 'lo']);
    }
  });

  test('cleanup leaves no containers and only the predefined networks', async () => {
    ok(await berth(['rm', '-f', 'web', 'cli', 'clib']));
    ok(await berth(['network', 'rm', 'neta', 'netb']));
    assert.equal((await berth(['ps', '-aq'])).stdout, '');
    const nets = await berth(['network', 'ls', '--format', '{{.Name}}']);
    assert.deepEqual(nets.stdout.trim().split('\n').sort(), ['bridge', 'host', 'none']);
  });
});

describe('default bridge resolv.conf from the host file', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  before(async () => {
    // No daemon --dns: the host file alone decides. Its servers are TEST-NET addresses that
    // nothing here asks (no lookups in this block).
    host = await TestHost.start({ dns: [] });
    await host.stopDaemon();
    await writeFile(join(host.dir, 'resolv.conf'), 'nameserver 192.0.2.1\nnameserver 127.0.0.53\nnameserver 192.0.2.2\nsearch corp.test\noptions edns0\n');
    await host.startDaemon();
  });
  after(async () => {
    await host?.stop();
  });

  const directives = (text: string) => text.split('\n').filter((l) => /^(nameserver|search|options)\b/.test(l));

  test('default bridge: the host servers minus loopback, search and options kept', async () => {
    const r = await host.berth(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(directives(r.stdout), ['nameserver 192.0.2.1', 'nameserver 192.0.2.2', 'search corp.test', 'options edns0']);
    assert.doesNotMatch(r.stdout, /Used default nameservers/);
  });

  test('user network: 127.0.0.11 only, the host servers listed as ExtServers, ndots:0 added', async () => {
    assert.equal((await host.berth(['network', 'create', 'app'])).code, 0);
    const r = await host.berth(['run', '--rm', '--network', 'app', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(directives(r.stdout), ['nameserver 127.0.0.11', 'search corp.test', 'options edns0 ndots:0']);
    assert.match(r.stdout, /^# ExtServers: \[host\(192\.0\.2\.1\) host\(127\.0\.0\.53\) host\(192\.0\.2\.2\)\]$/m);
    assert.match(r.stdout, /^# Option ndots from: internal$/m);
  });

  test('a changed host file reaches the next containers without a daemon restart, as Docker reads it at each start', async () => {
    await writeFile(join(host.dir, 'resolv.conf'), 'nameserver 192.0.2.7\nsearch changed.test\n');
    const directivesOf = async (args: string[]) => directives((await host.berth(['run', '--rm', ...args, 'busybox', 'cat', '/etc/resolv.conf'])).stdout);
    await waitFor(async () => (await directivesOf([])).includes('search changed.test'), 15_000, 'the new search domain');
    assert.deepEqual(await directivesOf([]), ['nameserver 192.0.2.7', 'search changed.test']);
    const user = await host.berth(['run', '--rm', '--network', 'app', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.match(user.stdout, /^# ExtServers: \[host\(192\.0\.2\.7\)\]$/m);
    assert.equal((await host.berth(['network', 'rm', 'app'])).code, 0);
    assert.equal((await host.berth(['ps', '-aq'])).stdout, '');
    const nets = await host.berth(['network', 'ls', '--format', '{{.Name}}']);
    assert.deepEqual(nets.stdout.trim().split('\n').sort(), ['bridge', 'host', 'none']);
  });
});
