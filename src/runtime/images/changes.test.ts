import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges, expandPortSpec } from './changes.js';

test('JSON and shell forms of CMD and ENTRYPOINT', () => {
  assert.deepEqual(applyChanges({}, ['CMD ["sh"]']), { Cmd: ['sh'] });
  assert.deepEqual(applyChanges({}, ['cmd echo "a b"']), { Cmd: ['/bin/sh', '-c', 'echo "a b"'] });
  assert.deepEqual(applyChanges({ Cmd: ['old'] }, ['ENTRYPOINT ["/bin/app"]']), { Entrypoint: ['/bin/app'] });
  assert.deepEqual(applyChanges({}, ['CMD ["x"]', 'ENTRYPOINT ["/e"]']), { Cmd: ['x'], Entrypoint: ['/e'] });
});

test('ENV, LABEL, EXPOSE, WORKDIR, USER, VOLUME, STOPSIGNAL', () => {
  const config = applyChanges({ Env: ['PATH=/bin', 'A=1'] }, [
    'ENV A=2 B="two words" C=x\\ y',
    'ENV LEGACY value with spaces',
    'LABEL org.example="yes" other=1',
    'EXPOSE 80 53/udp 8000-8001',
    'WORKDIR /srv',
    'WORKDIR app/../data',
    'USER nobody:nogroup',
    'VOLUME ["/data", "/logs"]',
    'STOPSIGNAL SIGINT',
  ]);
  assert.deepEqual(config, {
    Env: ['PATH=/bin', 'A=2', 'B=two words', 'C=x y', 'LEGACY=value with spaces'],
    Labels: { 'org.example': 'yes', other: '1' },
    ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} },
    WorkingDir: '/srv/data',
    User: 'nobody:nogroup',
    Volumes: { '/data': {}, '/logs': {} },
    StopSignal: 'SIGINT',
  });
});

test('unknown instructions and bad ports are refused with Docker wording', () => {
  assert.throws(() => applyChanges({}, ['RUN echo hi']), { kind: 'invalidParameter', message: 'run is not a valid change command' });
  assert.throws(() => applyChanges({}, ['FROM scratch']), /from is not a valid change command/);
  assert.throws(() => expandPortSpec('80/xyz'), /invalid containerPort: 80\/xyz/);
  assert.throws(() => expandPortSpec('70000'), /invalid containerPort/);
  assert.throws(() => applyChanges({}, ['ENV A=1 B']), /can't find = in "B"/);
});
