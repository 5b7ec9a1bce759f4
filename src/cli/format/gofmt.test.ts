/**
 * Go fmt semantics (Sprintf/Sprint/Sprintln verbs, flags, errors) and strconv float formatting.
 *
 * The tables were produced by running each template through the docker CLI 28.2.2 (built with Go
 * 1.24.3): `docker version --format '<template>'`, whose client part executes even without a
 * daemon. The data below mirrors that command's `.Client` struct.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloat } from './ftoa.js';
import { sprint, sprintln } from './gofmt.js';
import { sprintf } from './printf.js';
import { goStruct, renderTemplate } from './gotemplate.js';

const VERSION_DATA = goStruct({
  Client: goStruct({
    Platform: null, Version: '28.2.2', APIVersion: '1.50', DefaultAPIVersion: '1.50', GitCommit: 'e6534b4',
    GoVersion: 'go1.24.3', Os: 'linux', Arch: 'amd64', BuildTime: 'Fri May 30 12:07:14 2025', Context: 'default',
  }),
  Server: null,
});

// [template, what docker printed]
const PRINTF_CASES: Array<[string, string]> = [
  ["{{printf \"%5.2f|%v|%x|%q\" 3.14159 1234567.0 \"hi\" \"a\\tb\"}}", " 3.14|1.234567e+06|6869|\"a\\tb\""],
  ["{{printf \"%05s|%-5s|%5.1s|%x|% x|%#x|%X|%q|%+q|%#q\" \"ab\" \"ab\" \"xyz\" \"hé\" \"hé\" \"hé\" \"hé\" \"hé\\x01\" \"hé\" \"a`b\"}}", "000ab|ab   |    x|68c3a9|68 c3 a9|0x68c3a9|68C3A9|\"hé\\x01\"|\"h\\u00e9\"|\"a`b\""],
  ["{{printf \"%v|%d|%s|%5v|%q|%x\" (split \"a,b\" \",\") (split \"a,b\" \",\") (split \"a,b\" \",\") (split \"a,b\" \",\") (split \"a,b\" \",\") (split \"a,b\" \",\")}}", "[a b]|[%!d(string=a) %!d(string=b)]|[a b]|[    a     b]|[\"a\" \"b\"]|[61 62]"],
  ["{{printf \"%v %v %v %v %v %v\" 1e6 1e21 1e20 0.000001 0.0000001 123456.0}}", "1e+06 1e+21 1e+20 1e-06 1e-07 123456"],
  ["{{printf \"%e|%E|%.2e|%f|%.0f|%.0f|%.0f|%g|%.3g|%.3g|%.3g|%G\" 1234.5678 1e-7 0.0 3.0 2.5 3.5 0.5 100000000.0 4.2 999.5 1000.0 1e-10}}", "1.234568e+03|1.000000E-07|0.00e+00|3.000000|2|4|0|1e+08|4.2|1e+03|1e+03|1E-10"],
  ["{{printf \"%+d|% d|%05d|%-5d|%5.3d|%x|%#x|%o|%O|%b|%c|%q|%U|%#U|%08.3f|%+.2f|%-8.2f|\" 5 5 -42 7 7 255 255 8 8 5 65 65 65 233 3.14159 2.5 1.0}}", "+5| 5|-0042|7    |  007|ff|0xff|10|0o10|101|A|'A'|U+0041|U+00E9 'é'|0003.142|+2.50|1.00    |"],
  ["{{printf \"%T %T %T %T %T %T\" 1 1.5 \"a\" true nil (split \"a\" \",\")}}", "int float64 string bool <nil> []string"],
  ["{{printf \"%[2]d %[1]s %d\" \"a\" 2}}|{{printf \"%*d|%-*d|%.*f\" 5 1 5 1 2 3.14159}}|{{printf \"%[3]d\" 1}}|{{printf \"%d %d\" 1 2 3}}|{{printf \"%\"}}|{{printf \"%!d\" 5}}", "2 a 2|    1|1    |3.14|%!d(BADINDEX)|1 2%!(EXTRA int=3)|%!(NOVERB)|%!!(int=5)d"],
  ["{{printf \"%d %s\" \"a\" 3}}|{{printf \"%d\"}}|{{printf \"x\" 1 \"a\"}}|{{printf \"%!\"}}|{{printf \"%z\" 1.5}}", "%!d(string=a) %!s(int=3)|%!d(MISSING)|x%!(EXTRA int=1, string=a)|%!!(MISSING)|%!z(float64=1.5)"],
  ["{{printf \"%6.2v|%-6v|%06v|%+v|%x|%X|%o\" 3.14159 \"ab\" 42 -3 -255 3.5 \"x\"}}", "   3.1|ab    |000042|-3|-ff|0X1.CP+01|%!o(string=x)"],
  ["{{printf \"%x|%x|%.2x|%X|%x|%x|%x\" 1.0 0.1 3.14159 -1e300 0.0 5e-324 1e-310}}", "0x1p+00|0x1.999999999999ap-04|0x1.92p+01|-0X1.7E43C8800759CP+996|0x0p+00|0x1p-1074|0x1.2688b70e62bp-1030"],
  ["{{printf \"%08.2f|%+08d|%-08d|%x|%#o|%#b|%#X\" -3.5 42 42 -1 8 5 255}}", "-0003.50|+0000042|42      |-1|010|0b101|0XFF"],
  ["{{printf \"%v|%5t|%-5t|%q\" true false true 'x'}}", "true|false|true |'x'"],
  ["{{printf \"%3c|%-4q|%#q|%+q\" 65 66 \"a\\nb\" \"日本\"}}", "  A|'B' |\"a\\nb\"|\"\\u65e5\\u672c\""],
  ["{{printf \"%d%%|%5%|%-5%|%z\" 3}}", "3%|%|%|%!z(MISSING)"],
  ["{{printf \"%.2s|%.10q\" \"日本語\" \"日本語\"}}", "日本|\"日本語\""],
  ["{{printf \"%g|%G|%.2g|%.0g|%#g|%e\" 1e-5 1e-5 123.0 0.5 1.0 -0.0}}", "1e-05|1E-05|1.2e+02|0.5|1.00000|-0.000000e+00"],
  ["{{printf \"%#g|%#.3g|%#e|%#.0f|%#v|%#x|%#.0e|%#g\" 0.0 1.0 2.0 3.0 1.0 1.0 5.0 123456789.0}}", "0.00000|1.00|2.000000e+00|3.|1|0x1.0000p+00|5.e+00|1.23456789e+08"],
  ["{{printf \"%[1]*d|%[2]*[1]d|%[5]d|%.[2]d|%[1]\" 3 4}}", "  4|   3|%!d(BADINDEX)|4|%!(NOVERB)"],
  ["{{printf \"%*.*f|%-*d|%*d|%.*d\" 8 2 3.14159 -5 1 \"x\" 2 -1 5}}", "    3.14|1    |%!(BADWIDTH)2|%!(BADPREC)5"],
  ["{{printf \"%!|%#|%1\" }}", "%!!(MISSING)|%!|(MISSING)%!(NOVERB)"],
  ["{{printf \"%s\" 1 2}}{{printf \"%!(EXTRA)\" \"x\"}}", "%!s(int=1)%!(EXTRA int=2)%!!(string=x)(EXTRA)"],
  ["{{printf \"%.3s|%.0d|%5.1q|%-8q|%08.3e\" \"abcdef\" 0 \"abc\" \"x\" 3.14159}}", "abc||  \"a\"|\"x\"     |3.142e+00"],
  ["{{printf \"%c|%c|%q|%U\" 0x1F600 -1 0x7f 0x1F600}}", "😀|�|'\\x7f'|U+1F600"],
  ["{{printf \"%t|%t|%v\" true 1 false}}", "true|%!t(int=1)|false"],
  ["{{printf \"%s|%v\" nil nil}}", "%!s(<nil>)|<nil>"],
  ["{{printf \"%x|%X|% X|%#v|%#v|%#v\" \"\" \"é\" \"ab\" \"s\" 1 1.5}}", "|C3A9|61 62|\"s\"|1|1.5"],
  ["{{printf \"%e|%g|%g|%g|%.1f|%.10g\" 0.0001234 0.0001234 0.00001234 123456789.0 -0.05 1.0}}", "1.234000e-04|0.0001234|1.234e-05|1.23456789e+08|-0.1|1"],
  ["{{printf \"%v|%v|%v|%v|%v\" 0.1 0.2 0.30000000000000004 1e-300 1.7976931348623157e308}}", "0.1|0.2|0.30000000000000004|1e-300|1.7976931348623157e+308"],
  ["{{printf \"%.1f|%.1f|%.1f|%.2f|%.2f|%.3f\" 0.05 0.15 0.25 1.005 2.675 1.0005}}", "0.1|0.1|0.2|1.00|2.67|1.000"],
  ["{{print 1 2 \"a\" 3 \"b\" \"c\" nil true false}}|{{println 1 \"a\" nil}}", "1 2a3bc<nil> true false|1 a <nil>\n"],
  ["{{println}}{{print}}{{printf \"\"}}|{{print \"a\" \"b\" 1 2}}|{{print 1 \"a\" 2}}", "\n|ab1 2|1a2"],
  ["{{\"output\" | printf \"%s\"}}{{print 1.5 2.0 -3 true \"s\" nil}}", "output1.5 2 -3 trues<nil>"],
  ["{{printf \"%v\" .Client}}|{{printf \"%+v\" .Client}}|{{printf \"%d\" .Client.Os}}", "{<nil> 28.2.2 1.50 1.50 e6534b4 go1.24.3 linux amd64 Fri May 30 12:07:14 2025 default}|{Platform:<nil> Version:28.2.2 APIVersion:1.50 DefaultAPIVersion:1.50 GitCommit:e6534b4 GoVersion:go1.24.3 Os:linux Arch:amd64 BuildTime:Fri May 30 12:07:14 2025 Context:default}|%!d(string=linux)"],
];

describe('printf, print, println as docker executes them', () => {
  for (const [src, want] of PRINTF_CASES) {
    it(src, () => assert.equal(renderTemplate(src, VERSION_DATA, { name: 'version' }), want));
  }
});

describe('sprintf', () => {
  const cases: Array<[string, unknown[], string]> = [
    // Go's fmt documentation examples (pkg fmt "Printing"), and fmt_test.go's table.
    ['%d|%5d|%-5d|%05d', [42, 42, 42, 42], '42|   42|42   |00042'],
    ['%s|%10s|%-10s|%.2s', ['hello', 'hello', 'hello', 'hello'], 'hello|     hello|hello     |he'],
    ['%v %v %v', [[1, 2], { a: 1 }, null], '[1 2] map[a:1] <nil>'],
    ['%v', [goStruct({ Name: 'x', N: 2 })], '{x 2}'],
    ['%+v', [goStruct({ Name: 'x', N: 2 })], '{Name:x N:2}'],
    ['%v', [{ b: 'B', a: ['x', null] }], 'map[a:[x <nil>] b:B]'],
    ['%d', [[1, 'a']], '[1 %!d(string=a)]'],
    ['%s', [undefined], '%!s(<nil>)'],
    ['%q', ['\u00a0\u0007'], '"\\u00a0\\a"'],
    ['%x', [-255], '-ff'],
    ['%5.1f%%', [99.44], ' 99.4%'],
    ['%v', [{ String: () => 'stringer' }], 'stringer'],
  ];
  for (const [format, args, want] of cases) it(`${format} ${JSON.stringify(args)}`, () => assert.equal(sprintf(format, args), want));
});

describe('sprint and sprintln', () => {
  it('adds spaces between operands when neither is a string (fmt.Sprint)', () => {
    assert.equal(sprint([1, 2, 'a', 3, 'b', 'c', null, true]), '1 2a3bc<nil> true');
  });
  it('always separates operands and ends with a newline (fmt.Sprintln)', () => assert.equal(sprintln(['a', 1]), 'a 1\n'));
});

describe('formatFloat (strconv.FormatFloat)', () => {
  const cases: Array<[number, 'e' | 'f' | 'g', number, string]> = [
    // strconv/ftoa_test.go
    [1, 'e', 5, '1.00000e+00'],
    [1, 'f', 5, '1.00000'],
    [1, 'g', 5, '1'],
    [20, 'g', -1, '20'],
    [1234567.8, 'g', -1, '1.2345678e+06'],
    [200000, 'g', -1, '200000'],
    [2000000, 'g', -1, '2e+06'],
    [400, 'g', 2, '4e+02'],
    [40, 'g', 2, '40'],
    [4, 'g', 2, '4'],
    [0.001, 'g', -1, '0.001'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [100, 'e', -1, '1e+02'],
    [123456, 'e', 2, '1.23e+05'],
    [-0.5, 'f', 0, '-0'],
    [2.5, 'f', 0, '2'],
    [1e23, 'e', 17, '9.99999999999999916e+22'],
    [1e23, 'f', -1, '100000000000000000000000'],
    [-Infinity, 'g', -1, '-Inf'],
    [NaN, 'e', 3, 'NaN'],
  ];
  for (const [x, f, prec, want] of cases) it(`${x} ${f} ${prec}`, () => assert.equal(formatFloat(x, f, prec), want));
});
