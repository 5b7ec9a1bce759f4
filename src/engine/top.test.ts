import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPsArgs, parsePsOutput } from './top.js';

const PS_EF = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 07:00 ?        00:00:01 /sbin/init
root       15249   15230  0 07:26 ?        00:00:00 sleep 1000
root       15300   15249  0 07:27 pts/0    00:00:00 sh -c echo a  b
`;

describe('docker top: ps output', () => {
  it('keeps the header and only the rows of the given PIDs', () => {
    const r = parsePsOutput(PS_EF, [15249, 15300]);
    assert.deepEqual(r.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    assert.deepEqual(r.Processes, [
      ['root', '15249', '15230', '0', '07:26', '?', '00:00:00', 'sleep 1000'],
      ['root', '15300', '15249', '0', '07:27', 'pts/0', '00:00:00', 'sh -c echo a b'],
    ]);
  });

  it('fails without a PID column, as moby does', () => {
    assert.throws(() => parsePsOutput('USER COMMAND\nroot sh\n', [1]), /Couldn't find PID field in ps output/);
  });

  it('refuses renaming the PID column', () => {
    assert.throws(() => checkPsArgs('-o user= PID'), /specifying "user=PID" is not allowed/);
    assert.doesNotThrow(() => checkPsArgs('-o pid= PID'));
    assert.doesNotThrow(() => checkPsArgs('-ef'));
  });
});
