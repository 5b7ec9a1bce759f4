/**
 * The pflag-compatible parser: forms of flags, repeatable values, non-interspersed commands, and
 * pflag's error messages (checked against docker 28.2.2's output).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, parseArgs, parseGoInt } from './args.js';
import { boolFlag, intFlag, listFlag, mapFlag, stringFlag, stringsFlag } from './command.js';

const SPECS = [
  boolFlag('detach', 'd', 'detach'),
  boolFlag('interactive', 'i', 'interactive'),
  boolFlag('tty', 't', 'tty'),
  boolFlag('sig-proxy', undefined, 'proxy', { value: true }),
  stringFlag('name', undefined, 'name'),
  stringFlag('hostname', 'h', 'hostname'),
  intFlag('last', 'n', 'last', { value: -1 }),
  listFlag('publish', 'p', 'publish'),
  listFlag('env', 'e', 'env', {
    validate: (v) => {
      if (v.startsWith('=')) throw new Error(`invalid environment variable: ${v}`);
      return v;
    },
  }),
  listFlag('net', undefined, 'net', { hidden: true, aliasOf: 'network' }),
  listFlag('network', undefined, 'network'),
  stringsFlag('subnet', undefined, 'subnet'),
  mapFlag('opt', 'o', 'opt'),
];

const parse = (argv: string[], interspersed = true) => parseArgs(argv, SPECS, { interspersed });
const fails = (argv: string[], message: string, interspersed = true) =>
  assert.throws(() => parse(argv, interspersed), (err: unknown) => err instanceof FlagError && err.message === message);

describe('flag forms', () => {
  it('reads long flags with = or a separate value, and short flags combined', () => {
    const p = parse(['--name=web', '--hostname', 'h1', '-itd', '-p80:80', '-p', '90:90', '-e=A=b', '-n', '3']);
    assert.equal(p.string('name'), 'web');
    assert.equal(p.string('hostname'), 'h1');
    assert.deepEqual([p.bool('interactive'), p.bool('tty'), p.bool('detach')], [true, true, true]);
    assert.deepEqual(p.list('publish'), ['80:80', '90:90']);
    assert.deepEqual(p.list('env'), ['A=b']);
    assert.equal(p.int('last'), 3);
    assert.equal(p.changed('last'), true);
    assert.equal(p.changed('tty'), true);
  });

  it('keeps defaults and knows what was not given', () => {
    const p = parse([]);
    assert.equal(p.bool('sig-proxy'), true);
    assert.equal(p.int('last'), -1);
    assert.equal(p.changed('last'), false);
    assert.deepEqual(p.list('publish'), []);
  });

  it('sets bools with =false and accepts Go ParseBool spellings', () => {
    assert.equal(parse(['--sig-proxy=false']).bool('sig-proxy'), false);
    assert.equal(parse(['--detach=T']).bool('detach'), true);
    assert.equal(parse(['-d=0']).bool('detach'), false);
    // A bool never takes the next argument as its value.
    assert.deepEqual(parse(['--detach', 'false']).args, ['false']);
  });

  it('splits stringSlice values on commas, keeps map keys', () => {
    const p = parse(['--subnet', '10.0.0.0/16,10.1.0.0/16', '--subnet=fd00::/64', '-o', 'a=1', '-o', 'b', '--opt=c=d=e']);
    assert.deepEqual(p.list('subnet'), ['10.0.0.0/16', '10.1.0.0/16', 'fd00::/64']);
    assert.deepEqual([...p.map('opt')], [['a', '1'], ['b', ''], ['c', 'd=e']]);
  });

  it('writes hidden aliases into their flag (--net into --network)', () => {
    assert.deepEqual(parse(['--net', 'a', '--network=b']).list('network'), ['a', 'b']);
  });

  it('stops at -- and takes a lone - as an argument', () => {
    const p = parse(['-d', '--', '-i', '--name', 'x']);
    assert.deepEqual(p.args, ['-i', '--name', 'x']);
    assert.equal(p.bool('interactive'), false);
    assert.deepEqual(parse(['-', '-d']).args, ['-']);
  });

  it('intersperses flags and arguments by default', () => {
    const p = parse(['a', '-d', 'b', '--name', 'n']);
    assert.deepEqual(p.args, ['a', 'b']);
    assert.equal(p.bool('detach'), true);
  });

  it('gives everything after the first argument to the command line when not interspersed', () => {
    const p = parse(['-d', 'busybox', 'sh', '-c', 'echo -n hi', '--name', 'x', '--'], false);
    assert.deepEqual(p.args, ['busybox', 'sh', '-c', 'echo -n hi', '--name', 'x', '--']);
    assert.equal(p.bool('detach'), true);
    assert.equal(p.string('name'), '');
  });

  it('knows --help, and -h unless a flag takes it (with docker 28 deprecation notice)', () => {
    assert.equal(parse(['--help']).bool('help'), true);
    const specs = [boolFlag('all', 'a', 'all')];
    const p = parseArgs(['-h'], specs);
    assert.equal(p.bool('help'), true);
    assert.deepEqual(p.notices, ['Flag shorthand -h has been deprecated, use --help']);
    assert.equal(parse(['-h', 'box']).string('hostname'), 'box');
  });
});

describe("pflag's errors", () => {
  it('unknown flags', () => {
    fails(['--foo'], 'unknown flag: --foo');
    fails(['--foo=1'], 'unknown flag: --foo');
    fails(['-z'], "unknown shorthand flag: 'z' in -z");
    fails(['-dzi'], "unknown shorthand flag: 'z' in -zi");
  });

  it('missing values', () => {
    fails(['--name'], 'flag needs an argument: --name');
    fails(['-p'], "flag needs an argument: 'p' in -p");
    fails(['-itp'], "flag needs an argument: 'p' in -p");
  });

  it('bad values name the flag as pflag does', () => {
    fails(['-n', 'x'], 'invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax');
    fails(['-d=maybe'], 'invalid argument "maybe" for "-d, --detach" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
    fails(['-e', '=x'], 'invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x');
  });

  it('bad syntax', () => {
    fails(['---x'], 'bad flag syntax: ---x');
  });
});

describe('parseGoInt', () => {
  it('reads base prefixes like strconv.ParseInt(s, 0, 64)', () => {
    assert.deepEqual(['10', '-3', '0x1f', '0o17', '017', '0b101', '1_000'].map(parseGoInt), [10, -3, 31, 15, 15, 5, 1000]);
    assert.throws(() => parseGoInt('1.5'), /invalid syntax/);
  });
});
