import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayablePorts, exposedPorts, parsePortEntry, parsePortSpec } from './ports.js';
import { shellSplit } from './shellwords.js';
import { checkCycle, startOrder, withDependencies } from './graph.js';
import { render } from './progress.js';
import { substitute } from './interpolate.js';
import type { Service } from './model.js';

test('short port syntax, as nat.ParsePortSpec reads it', () => {
  assert.deepEqual(parsePortSpec('80'), [{ mode: 'ingress', target: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('8080:80'), [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('127.0.0.1:8080:80/udp'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'udp' }]);
  assert.deepEqual(parsePortSpec('127.0.0.1::80'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('[::1]:8080:80'), [{ mode: 'ingress', host_ip: '::1', target: 80, published: '8080', protocol: 'tcp' }]);
  assert.deepEqual(
    parsePortSpec('8000-8001:80-81').map((p) => `${p.published}->${p.target}`),
    ['8000->80', '8001->81'],
  );
  assert.deepEqual(parsePortSpec('9000-9010:80'), [{ mode: 'ingress', target: 80, published: '9000-9010', protocol: 'tcp' }]);
});

test('bad port specs fail with go-connections wording', () => {
  assert.throws(() => parsePortSpec('80/xyz'), { message: 'Invalid proto: xyz' });
  assert.throws(() => parsePortSpec('abc'), { message: 'Invalid containerPort: abc' });
  assert.throws(() => parsePortSpec('x:80'), { message: 'Invalid hostPort: x' });
  assert.throws(() => parsePortSpec('1.2.3:80:80'), { message: 'Invalid ip address: 1.2.3' });
  assert.throws(() => parsePortSpec('8000-8002:80-81'), { message: 'Invalid ranges specified for container and host Ports: 80-81 and 8000-8002' });
});

test('long port syntax and numbers', () => {
  assert.deepEqual(parsePortEntry({ target: 80, published: 8080, host_ip: '0.0.0.0', protocol: 'UDP' }, 'p'), [
    { mode: 'ingress', target: 80, protocol: 'udp', host_ip: '0.0.0.0', published: '8080' },
  ]);
  assert.deepEqual(parsePortEntry(3000, 'p'), [{ mode: 'ingress', target: 3000, protocol: 'tcp' }]);
  assert.throws(() => parsePortEntry({ target: 80, bogus: 1 }, 'services.web.ports.0'), { message: "services.web.ports.0 additional properties 'bogus' not allowed" });
});

test('expose entries, ranges expanded', () => {
  assert.deepEqual(exposedPorts(['80', '3000-3001/udp']), ['80/tcp', '3000/udp', '3001/udp']);
});

test('displayable ports like docker ps', () => {
  assert.equal(
    displayablePorts([
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 443, Type: 'tcp' },
      { PrivatePort: 444, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 53, Type: 'udp' },
    ]),
    '0.0.0.0:53->53/udp, 443-444/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp',
  );
  assert.equal(displayablePorts([]), '');
});

test('shell splitting like go-shellwords', () => {
  assert.deepEqual(shellSplit(`httpd -f -p 80 -h "/www root" 'it''s' a\\ b`), ['httpd', '-f', '-p', '80', '-h', '/www root', 'its', 'a b']);
  assert.deepEqual(shellSplit('  '), []);
  assert.throws(() => shellSplit('echo "open'), { message: 'invalid command line string' });
});

test('dependency order, closure and cycles', () => {
  const svc = (name: string, deps: string[] = []): Service => ({
    name,
    image: 'x',
    depends_on: Object.fromEntries(deps.map((d) => [d, { condition: 'service_started', restart: false, required: true }])),
  });
  const services = { web: svc('web', ['app']), app: svc('app', ['db', 'cache']), db: svc('db'), cache: svc('cache'), other: svc('other') };
  assert.deepEqual(startOrder(services), ['cache', 'db', 'app', 'other', 'web']);
  assert.deepEqual(withDependencies(services, ['app']).sort(), ['app', 'cache', 'db']);
  assert.deepEqual(startOrder(services, ['web', 'app']), ['app', 'web']);
  assert.throws(() => checkCycle({ a: svc('a', ['b']), b: svc('b', ['c']), c: svc('c', ['b']) }), { message: 'dependency cycle detected: b -> c -> b' });
  assert.throws(() => checkCycle({ a: svc('a', ['a']) }), { message: 'dependency cycle detected: a -> a' });
});

test('progress block: statuses aligned, deterministic', () => {
  const out = render(
    [
      { id: 'Network app_default', status: 'done', text: 'Created', details: '' },
      { id: 'Container app-db-1', status: 'done', text: 'Started', details: '' },
      { id: 'Container app-web-1', status: 'error', text: 'Error', details: 'boom' },
    ],
    'Running',
  );
  assert.equal(out, '[+] Running 3/3\n ✔ Network app_default  Created\n ✔ Container app-db-1   Started\n ✘ Container app-web-1  Error boom\n');
});

test('interpolation forms', () => {
  const env: Record<string, string> = { A: 'a', EMPTY: '' };
  const warnings: string[] = [];
  const sub = (s: string) => substitute(s, (k) => env[k], (w) => warnings.push(w));
  assert.equal(sub('$A ${A} ${EMPTY:-d} ${EMPTY-d} ${NONE-${A}x} ${A:+set} ${NONE+set} $$A'), 'a a d  ax set  $A');
  assert.throws(() => sub('${NONE:?gone}'), { message: 'required variable NONE is missing a value: gone' });
  assert.equal(sub('${NONE}'), '');
  assert.deepEqual(warnings, ['The "NONE" variable is not set. Defaulting to a blank string.']);
});
