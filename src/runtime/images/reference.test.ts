import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarString, parseAnyReference, parseNormalizedNamed, parseTagReference, withDefaultTag } from './reference.js';

const HEX = 'a'.repeat(64);

test('valid references normalise to docker.io/library and print back familiar', () => {
  const table: Array<[input: string, domain: string, path: string, tag: string | undefined, familiar: string]> = [
    ['busybox', 'docker.io', 'library/busybox', undefined, 'busybox'],
    ['busybox:latest', 'docker.io', 'library/busybox', 'latest', 'busybox:latest'],
    ['busybox:1.36.1-musl', 'docker.io', 'library/busybox', '1.36.1-musl', 'busybox:1.36.1-musl'],
    ['docker.io/library/busybox:v1', 'docker.io', 'library/busybox', 'v1', 'busybox:v1'],
    ['index.docker.io/library/busybox', 'docker.io', 'library/busybox', undefined, 'busybox'],
    ['docker.io/busybox', 'docker.io', 'library/busybox', undefined, 'busybox'],
    ['user/app:TAG_1', 'docker.io', 'user/app', 'TAG_1', 'user/app:TAG_1'],
    ['library/a/b', 'docker.io', 'library/a/b', undefined, 'library/a/b'],
    ['localhost/app', 'localhost', 'app', undefined, 'localhost/app'],
    ['localhost:5000/team/app:v2', 'localhost:5000', 'team/app', 'v2', 'localhost:5000/team/app:v2'],
    ['registry.example.com/x__y.z-w', 'registry.example.com', 'x__y.z-w', undefined, 'registry.example.com/x__y.z-w'],
    ['[::1]:5000/app', '[::1]:5000', 'app', undefined, '[::1]:5000/app'],
    ['Registry.Example.com/app', 'Registry.Example.com', 'app', undefined, 'Registry.Example.com/app'],
  ];
  for (const [input, domain, path, tag, familiar] of table) {
    const ref = parseNormalizedNamed(input);
    assert.deepEqual({ domain: ref.domain, path: ref.path, tag: ref.tag }, { domain, path, tag }, input);
    assert.equal(familiarString(ref), familiar, input);
  }
});

test('digest references', () => {
  const ref = parseNormalizedNamed(`busybox@sha256:${HEX}`);
  assert.equal(ref.digest, `sha256:${HEX}`);
  assert.equal(familiarString(ref), `busybox@sha256:${HEX}`);
  assert.equal(familiarString(parseNormalizedNamed(`app:v1@sha256:${HEX}`)), `app:v1@sha256:${HEX}`);
});

test('invalid references fail with Docker wording', () => {
  const table: Array<[string, string]> = [
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['user/App', 'invalid reference format: repository name (user/App) must be lowercase'],
    ['localhost:5000/Foo', 'invalid reference format: repository name (Foo) must be lowercase'],
    ['busybox:', 'invalid reference format'],
    [':latest', 'invalid reference format'],
    ['bus box', 'invalid reference format'],
    ['busybox:-tag', 'invalid reference format'],
    ['busybox:' + 'x'.repeat(129), 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['busybox/', 'invalid reference format'],
    ['a//b', 'invalid reference format'],
    ['', 'invalid reference format'],
    [HEX, `invalid repository name (${HEX}), cannot specify 64-byte hexadecimal strings`],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`busybox@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    ['a/' + 'b'.repeat(300), 'repository name must not be more than 255 characters'],
  ];
  for (const [input, message] of table) {
    assert.throws(() => parseNormalizedNamed(input), { kind: 'invalidParameter', message }, JSON.stringify(input));
  }
});

test('defaults: latest tag, and IDs and digests read as digests', () => {
  assert.equal(familiarString(withDefaultTag(parseNormalizedNamed('busybox'))), 'busybox:latest');
  assert.equal(familiarString(parseTagReference('docker.io/library/alpine')), 'alpine:latest');
  assert.throws(() => parseTagReference(`busybox@sha256:${HEX}`), /digest/);
  assert.deepEqual(parseAnyReference(HEX), { kind: 'digest', digest: `sha256:${HEX}` });
  assert.deepEqual(parseAnyReference(`sha256:${HEX}`), { kind: 'digest', digest: `sha256:${HEX}` });
  // A short ID with the algorithm is not a digest; Docker reads it as a name and then searches IDs.
  const short = parseAnyReference('sha256:abc');
  assert.equal(short.kind, 'named');
  assert.equal(short.kind === 'named' && familiarString(short.ref), 'sha256:abc');
});
