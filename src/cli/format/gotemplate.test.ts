/**
 * Go text/template semantics with docker's functions.
 *
 * The `DOCKER_*` tables were produced by running each template through the docker CLI 28.2.2 (built
 * with Go 1.24.3): `docker version --format '<template>'` (its client part executes without a
 * daemon; parse errors name the template "version"). The other cases follow text/template's
 * exec.go/funcs.go and docker/cli's templates.go and inspect/inspector.go, cited where they are.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBerthError } from '../../lib/errors.js';
import { goMap, goStruct, parseTemplate, renderTemplate, type ExecuteOptions } from './gotemplate.js';

const VERSION_DATA = goStruct({
  Client: goStruct({
    Platform: null, Version: '28.2.2', APIVersion: '1.50', DefaultAPIVersion: '1.50', GitCommit: 'e6534b4',
    GoVersion: 'go1.24.3', Os: 'linux', Arch: 'amd64', BuildTime: 'Fri May 30 12:07:14 2025', Context: 'default',
  }),
  Server: null,
});

function run(src: string, data: unknown = VERSION_DATA, opts: ExecuteOptions & { name?: string } = {}): string {
  try {
    return renderTemplate(src, data, opts);
  } catch (e) {
    if (isBerthError(e, 'invalidParameter')) return `ERR ${e.message}`;
    throw e;
  }
}

// [template, what docker printed]
const DOCKER_TEMPLATES: Array<[string, string]> = [
  ["{{.Client.Version}} {{.Client.Platform}} {{.Server}} {{.Client.Os}}/{{.Client.Arch}}", "28.2.2 <nil> <nil> linux/amd64"],
  ["{{json .Server}} {{json \"<&>\"}} {{json 1.5}} {{json 1e21}} {{json (split \"a,b\" \",\")}} {{json nil}} {{json true}}", "null \"<&>\" 1.5 1e+21 [\"a\",\"b\"] null true"],
  ["{{with .Server}}x{{else}}no server{{end}} {{with .Client}}{{.Os}}{{end}} {{if and .Client (not .Server)}}ok{{end}}", "no server linux ok"],
  ["{{with $v := .Client.Version}}{{$v}}{{end}} {{if $x := .Client.Os}}{{$x}}{{end}}", "28.2.2 linux"],
  ["{{$x := 0}}{{range split \"a,b,c\" \",\"}}{{if eq . \"b\"}}{{continue}}{{end}}{{$x = .}}{{.}}{{end}}={{$x}}", "ac=c"],
  ["{{range split \"a,b,c\" \",\"}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{else}}none{{end}}", "a"],
  ["{{range $i, $e := split \"a,b\" \",\"}}{{$i}}={{$e}};{{end}}|{{range $e := split \"a,b\" \",\"}}{{$e}}{{end}}|{{range split \"\" \",\"}}[{{.}}]{{end}}", "0=a;1=b;|ab|[]"],
  ["{{range slice (split \"a\" \",\") 1}}x{{else}}empty{{end}}|{{range 0}}x{{else}}zero{{end}}|{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}", "empty|zero|012|01"],
  ["{{printf \"%q\" (slice (split \"a,b,c\" \",\") 1 2)}} {{index (split \"a,b,c\" \",\") 2}} {{len (split \"a,b\" \",\")}}", "[\"b\"] c 2"],
  ["{{printf \"%v|%v|%v|%v\" (eq \"a\" \"b\" \"a\") (lt \"a\" \"b\") (ge 2 2) (le 3 2)}} {{eq 1 1}} {{ne 1 2}} {{gt 1.5 1.2}} {{lt \"B\" \"a\"}} {{eq .Server nil}}", "true|true|true|false true true true true true"],
  ["{{and 1 0 2}}|{{or 0 \"\" \"x\"}}|{{and 1 2}}|{{or 0 \"\"}}|{{not 0}}|{{not \"x\"}}|{{and .Server .Client}}|{{or .Server \"d\"}}", "0|x|2||true|false|<nil>|d"],
  ["{{html \"<a href=\\\"x\\\">&'</a>\\x00\"}}|{{js \"<a=\\\"x\\\" '\\\\ é\\u2028\\x01>\"}}|{{urlquery \"a b&c=d/é~_-.\"}}", "&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;�|\\u003Ca\\u003D\\\"x\\\" \\'\\\\ é\\u2028\\u0001\\u003E|a+b%26c%3Dd%2F%C3%A9~_-."],
  ["{{slice \"héllo\" 1 3}}|{{index \"abc\" 1}}|{{len \"héllo\"}}|{{slice \"abcdef\" 2 4}}|{{slice \"abc\"}}", "é|98|6|cd|abc"],
  ["{{title \"hello wORLD-foo_bar x.y 9lives don't\"}}|{{upper \"straße é\"}}|{{lower \"ÀB\"}}", "Hello WORLD-Foo_bar X.Y 9lives Don'T|STRAßE É|àb"],
  ["{{join (split \"a,b,c\" \",\") \"-\"}}|{{split \"a b\" \"\"}}|{{len (split \"abc\" \"\")}}|{{pad \"x\" 2 3}}|{{pad \"\" 2 3}}|{{truncate \"abcdef\" 3}}|{{truncate \"ab\" 3}}", "a-b-c|[a   b]|3|  x   ||abc|ab"],
  ["{{.Client.Version | printf \"%q\"}} {{\"a\" | printf \"%s%s\" \"b\"}} {{1 | printf \"%d\"}}", "\"28.2.2\" ba 1"],
  ["{{printf \"%s %v\" .Client.Os .Client.Arch | upper | printf \"<%s>\"}}", "<LINUX AMD64>"],
  ["{{- /* comment */ -}} a {{- \" b \" -}} c {{/* x */}} d", "a b c  d"],
  ["{{define \"T\"}}[{{.}}]{{end}}{{template \"T\" \"x\"}}{{template \"T\"}}{{template \"T\" .Client.Os}}", "[x][<no value>][linux]"],
  ["{{block \"B\" .Client}}{{.Os}}{{end}}|{{template \"B\" .Client}}", "linux|linux"],
  ["{{$}}{{$.Client.Os}}{{with .Client}}{{$.Client.Arch}}{{end}}", "{{<nil> 28.2.2 1.50 1.50 e6534b4 go1.24.3 linux amd64 Fri May 30 12:07:14 2025 default} <nil>}linuxamd64"],
  ["{{(.Client).Os}} {{(index (split \"a,b\" \",\") 1)}} {{(split \"a,b\" \",\")}}", "linux b [a b]"],
  ["{{'a'}} {{0x1F}} {{0o17}} {{0b101}} {{017}} {{1_000}} {{0x1p4}} {{.5}} {{1e2}} {{-0}} {{+5}} {{\"\\u00e9\\x41\\101\\n\"}} {{`raw\\n`}}", "97 31 15 5 15 1000 16 0.5 100 0 5 éAA\n raw\\n"],
  ["{{if .Server}}a{{else if .Client.Platform}}b{{else if eq .Client.Os \"linux\"}}c{{else}}d{{end}}", "c"],
  ["{{with .Server}}a{{else with .Client}}{{.Os}}{{end}}", "linux"],
  ["{{print (printf \"%s\" \"x\") | len}}", "1"],
  ["{{define \"L\"}}{{if .}}{{index . 0}};{{template \"L\" (slice . 1)}}{{end}}{{end}}{{template \"L\" (split \"a,b,c\" \",\")}}", "a;b;c;"],
];

// [template, what docker printed]: parse errors, literals, trim markers and comments.
const DOCKER_SYNTAX: Array<[string, string]> = [
  ["{{else}}", "template: version:1: unexpected {{else}}"],
  ["{{/* x */ }}", "template: version:1: comment ends before closing delimiter"],
  ["{{\"a\".B}}", "template: version:1: unexpected . after term \"\\\"a\\\"\""],
  ["{{.X | 3}}", "template: version:1: non executable command in pipeline stage 2"],
  ["{{range $a, $b, $c := .}}{{end}}", "template: version:1: too many declarations in range"],
  ["{{if .X}}", "template: version:1: unexpected EOF"],
  ["{{end}}", "template: version:1: unexpected {{end}}"],
  ["{{$u}}", "template: version:1: undefined variable \"$u\""],
  ["{{(1}}", "template: version:1: unclosed left paren"],
  ["{{1)}}", "template: version:1: unexpected right paren"],
  ["{{.X.}}", "template: version:1: unexpected <.> in operand"],
  ["{{3x}}", "template: version:1: bad number syntax: \"3x\""],
  ["{{\"\\q\"}}", "template: version:1: invalid syntax"],
  ["{{'ab'}}", "template: version:1: malformed character constant: 'ab'"],
  ["{{0x1p}}", "template: version:1: illegal number syntax: \"0x1p\""],
  ["{{99999999999999999999}}", "template: version:1: integer overflow: \"99999999999999999999\""],
  ["{{break}}", "template: version:1: {{break}} outside {{range}}"],
  ["{{range .}}{{else if .}}{{end}}", "template: version:1: unexpected <if> in input"],
  ["{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", "template: version:1: template: multiple definition of template \"a\""],
  ["{{with $x := 1}}{{end}}{{$x}}", "template: version:1: undefined variable \"$x\""],
  ["{{.A→}}", "template: version:1: bad character U+2192 '→'"],
  ["{{$x, $y := 1}}", "template: version:1: too many declarations in command"],
  ["{{range $x, 3}}{{end}}", "template: version:1: range can only initialize variables"],
  ["{{template .X}}", "template: version:1: unexpected \".X\" in template clause"],
  ["{{if}}{{end}}", "template: version:1: missing value for if"],
  ["{{\"unterminated}}", "template: version:1: unterminated quoted string"],
  ["{{`raw}}", "template: version:1: unterminated raw quoted string"],
  ["{{.Foo", "template: version:1: unclosed action"],
  ["{{foo}}", "template: version:1: function \"foo\" not defined"],
  ["{{ .X }", "template: version:1: unexpected \"}\" in operand"],
  ["{{if .X}}{{else}}{{else}}{{end}}", "template: version:1: expected end; found {{else}}"],
  ["{{range .X}}{{end}}{{end}}", "template: version:1: unexpected {{end}}"],
  ["{{with .X}}{{else if .Y}}{{end}}", "template: version:1: unexpected <if> in input"],
  ["{{define \"x\"}}{{end}}{{define}}", "template: version:1: unexpected \"}}\" in define clause"],
  ["{{block \"b\"}}{{end}}", "template: version:1: missing value for block clause"],
  ["{{block \"b\" .}}", "template: version:1: unexpected EOF"],
  ["{{$x := 1}}{{$x := 2}}{{$y}}", "template: version:1: undefined variable \"$y\""],
  ["{{|}}", "template: version:1: unexpected \"|\" in command"],
  ["{{.X :}}", "template: version:1: expected :="],
  ["{{.X := 1}}", "template: version:1: unexpected \":=\" in operand"],
  ["{{$x = }}", "template: version:1: missing value for command"],
  ["{{range $k, $v, := .}}{{end}}", "template: version:1: too many declarations in range"],
  ["{{'}}", "template: version:1: unterminated character constant"],
  ["{{'\\z'}}", "template: version:1: invalid syntax"],
  ["{{0x}}", "template: version:1: illegal number syntax: \"0x\""],
  ["{{1e}}", "template: version:1: illegal number syntax: \"1e\""],
  ["{{.X}}{{", "template: version:1: unclosed action"],
  ["{{/* unclosed", "template: version:1: unclosed comment"],
  ["{{/* ok */}}{{/*x*/ -}}", ""],
  ["{{if .X -}}", "template: version:1: unexpected EOF"],
  ["{{\"\\x4\"}}", "template: version:1: invalid syntax"],
  ["{{0_1}}", "1"],
  ["{{08}}", "template: version:1: integer overflow: \"08\""],
  ["{{18446744073709551616}}", "template: version:1: integer overflow: \"18446744073709551616\""],
  ["{{-9223372036854775808}}", "-9223372036854775808"],
  ["{{.X.Y.Z.}}", "template: version:1: unexpected <.> in operand"],
  ["{{$.X}}{{$x.Y}}", "template: version:1: undefined variable \"$x\""],
  ["{{(.X}}", "template: version:1: unclosed left paren"],
  ["{{.X)}}", "template: version:1: unexpected right paren"],
  ["{{()}}", "template: version:1: missing value for parenthesized pipeline"],
  ["{{( )}}", "template: version:1: missing value for parenthesized pipeline"],
  ["{{and (}}", "template: version:1: unclosed left paren"],
  ["{{true.X}}", "template: version:1: unexpected . after term \"true\""],
  ["{{.", "template: version:1: illegal number syntax: \".\""],
  ["{{$", "template: version:1: unclosed action"],
  ["{{x", "template: version:1: function \"x\" not defined"],
  ["{{\"a\" |", "template: version:1: unclosed action"],
  ["a", "a"],
  ["b{{.X", "template: version:1: unclosed action"],
  ["y}}", "y}}"],
  ["{{else if}}", "template: version:1: unexpected {{else}}"],
  ["{{end extra}}", "template: version:1: unexpected \"extra\" in end"],
  ["{{break 1}}", "template: version:1: unexpected \"1\" in {{break}}"],
  ["{{range .}}{{break}}{{continue}}{{end}}{{continue}}", "template: version:1: {{continue}} outside {{range}}"],
  ["{{range .}}{{else}}{{break}}{{end}}", "template: version:1: {{break}} outside {{range}}"],
];

describe('templates as docker executes them', () => {
  for (const [src, want] of DOCKER_TEMPLATES) it(src, () => assert.equal(run(src, VERSION_DATA, { name: 'version' }), want));
});

describe('syntax as docker parses it', () => {
  for (const [src, want] of DOCKER_SYNTAX) {
    it(src, () => {
      const got = run(src, VERSION_DATA, { name: 'version' });
      assert.equal(got.replace(/^ERR /, ''), want);
    });
  }
});

describe('JavaScript data as Go values', () => {
  const cases: Array<[string, unknown, string]> = [
    // Objects whose keys are not Go identifiers can only be maps: fmt prints maps sorted, map[k:v].
    ['{{.Labels}}', { Labels: { 'com.example.b': 'x', 'a': 'y' } }, 'map[a:y com.example.b:x]'],
    // Fields that are maps in Docker's API types stay maps even with identifier-like keys.
    ['{{.Networks}}', { Networks: { Prod: { IPAddress: '10.0.0.2' } } }, 'map[Prod:{10.0.0.2}]'],
    ['{{.}}', goMap({ B: 1, A: 2 }), 'map[A:2 B:1]'],
    ['{{.}}', { Name: 'web', Running: true, Pid: 42 }, '{web true 42}'],
    ['{{.}}', {}, 'map[]'],
    ['{{.A}}|{{.B}}|{{.C}}|{{.Missing}}|{{.Missing.Deeper}}', { A: null, B: [], C: [null, 'x'] }, '<nil>|[]|[<nil> x]|<no value>|<no value>'],
    ['{{.F}} {{.I}} {{.Big}}', { F: 1.5, I: 3, Big: 1e21 }, '1.5 3 1000000000000000000000'],
    ['{{printf "%d|%.1f" .I .F}}', { I: 3, F: 2.25 }, '3|2.2'],
    // Go's truth: zero values and empty collections are false; structs are always true.
    ['{{if .S}}1{{end}}{{if .A}}2{{end}}{{if .M}}3{{end}}{{if .Z}}4{{end}}{{if .N}}5{{end}}{{if .X}}6{{end}}{{if .T}}7{{end}}', { S: '', A: [], M: {}, Z: 0, N: null, T: { K: 1 } }, '7'],
    ['{{range $k, $v := .Networks}}{{$k}}={{$v.IPAddress}} {{end}}', { Networks: { zeta: { IPAddress: 'z' }, alpha: { IPAddress: 'a' } } }, 'alpha=a zeta=z '],
    ['{{range .}}[{{.}}]{{else}}empty{{end}}', null, 'empty'],
    ['{{.}} {{.Foo}}', null, '<no value> <no value>'],
    ['{{index .Labels "a"}}|{{index .Labels "nope"}}|{{index .Nets "nope"}}', { Labels: { a: '1' }, Nets: { n: { X: 1 } } }, '1||<nil>'],
    ['{{len .Labels}} {{len .Names}} {{len .S}}', { Labels: { a: '1', b: '2' }, Names: ['x'], S: 'héllo' }, '2 1 6'],
    // docker's json: compact, struct (declaration) order, map keys sorted, no HTML escaping.
    ['{{json .}}', { Name: 'a<b>&c', Labels: { z: '1', a: '2' }, Ports: null, List: [1, 2.5] }, '{"Name":"a<b>&c","Labels":{"a":"2","z":"1"},"Ports":null,"List":[1,2.5]}'],
    ['{{json .Missing}}', {}, 'null'],
    ['{{join .L ", "}}|{{join .M "-"}}|{{join .N ","}}', { L: [1, 'a', true], M: { x: 'b', y: 'a' }, N: null }, '1, a, true|a-b|'],
    // Methods: function-valued properties are called with the template's arguments.
    ['{{.Label "com.example"}}|{{.Label "none"}}', { Label: (k: string) => ({ 'com.example': 'v' } as Record<string, string>)[k] ?? '' }, 'v|'],
    ['{{"x" | .Wrap "<"}}', { Wrap: (a: string, b: string) => a + b + a }, '<x<'],
    ['{{call (index . "F") 2 3}}', { F: (a: number, b: number) => a * b }, '6'],
    ['{{.State.Health.Status}}', { State: { Health: null } }, 'ERR template: :1:8: executing "" at <.State.Health.Status>: nil pointer evaluating interface {}.Status'],
  ];
  for (const [src, data, want] of cases) it(`${src} ${JSON.stringify(data)}`, () => assert.equal(run(src, data), want));
});

describe('variables and control flow', () => {
  const cases: Array<[string, unknown, string]> = [
    ['{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}', {}, '21'],
    ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', {}, '2'],
    ['{{range $i, $e := .}}{{range $e}}{{if eq . 2}}{{break}}{{end}}{{$i}}{{.}} {{end}}{{end}}', [[1, 2, 3], [4]], '01 14 '],
    ['{{range $i, $e := .}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}', ['a', 'b', 'c'], 'ac'],
    ['{{with .A}}{{.}}{{else with .B}}b={{.}}{{else}}none{{end}}', { B: 2 }, 'b=2'],
    ['{{if .A}}a{{else if .B}}b{{else}}c{{end}}', { B: true }, 'b'],
    ['{{define "row"}}{{.Name}}={{.Value}};{{end}}{{range .}}{{template "row" .}}{{end}}', [{ Name: 'a', Value: 1 }, { Name: 'b', Value: 2 }], 'a=1;b=2;'],
    ['{{block "x" .}}default {{.}}{{end}}', 7, 'default 7'],
    ['{{$}}|{{with .A}}{{$.B}}{{end}}', { A: 1, B: 2 }, '{1 2}|2'],
    ['  {{- .A -}}  \n  {{- .B }}', { A: 'a', B: 'b' }, 'ab'],
  ];
  for (const [src, data, want] of cases) it(src, () => assert.equal(run(src, data), want));

  it('define and block share one namespace (parse.go add)', () => {
    assert.equal(run('{{block "x" .}}default{{end}}{{define "x"}}custom{{end}}', {}), 'ERR template: :1: template: multiple definition of template "x"');
    assert.equal(run('{{define "x"}} {{end}}{{define "x"}}kept{{end}}{{template "x"}}', {}), 'kept');
    assert.deepEqual(parseTemplate('{{define "a"}}{{end}}{{block "b" .}}{{end}}').definedTemplates.sort(), ['a', 'b']);
  });
});

describe('execution options', () => {
  it('strictFields fails on fields a struct lacks, naming the type (exec.go evalField)', () => {
    assert.equal(run('{{.Foo}}', { Name: 'x' }, { strictFields: true }), 'ERR template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type struct');
    assert.equal(
      run('a\n {{.Names.Foo}}', goStruct({ Names: goStruct({}, '[]string') }, '*formatter.ContainerContext'), { strictFields: true }),
      'ERR template: :2:9: executing "" at <.Names.Foo>: can\'t evaluate field Foo in type []string',
    );
    assert.equal(run('{{.Foo}}', goStruct({ A: 1 }, '*formatter.ContainerContext'), { strictFields: true }),
      'ERR template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext');
    // Maps keep Go's default: a missing key is <no value>.
    assert.equal(run('{{.Labels.foo}}', { Labels: { 'a.b': '1' } }, { strictFields: true }), '<no value>');
  });

  it("missingKey follows Go's Option(\"missingkey=...\")", () => {
    assert.equal(run('{{.Foo}}', goMap({}), { missingKey: 'error' }), 'ERR template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"');
    assert.equal(run('{{.A.B}}', goMap({}), { missingKey: 'error' }), 'ERR template: :1:4: executing "" at <.A.B>: map has no entry for key "A"');
    assert.throws(() => renderTemplate('{{.A.B}}', undefined, { missingKey: 'error' }), {
      message: 'template: :1:4: executing "" at <.A.B>: nil data; no entry for key "A"',
    });
    assert.equal(run('[{{.Foo}}]', goMap({ x: 'y' }), { missingKey: 'zero' }), '[]');
    assert.equal(run('{{.Foo}}', goMap({ x: 'y' })), '<no value>');
  });

  it("executeInspect behaves like docker inspect: typed pass, then raw maps with missingkey=error", () => {
    const inspect = { Id: 'abc', Config: { Labels: { 'com.x': '1' } }, State: { Running: true } };
    assert.equal(parseTemplate('{{.State.Running}} {{index .Config.Labels "com.x"}} {{.Config.Labels.nope}}').executeInspect(inspect), 'true 1 <no value>');
    assert.throws(() => parseTemplate('{{.Foo}}').executeInspect(inspect), {
      message: 'template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"',
    });
  });

  it('funcs replace functions for one execution (docker renders table headers this way)', () => {
    const t = parseTemplate('{{upper .Name}}');
    assert.equal(t.execute({ Name: 'x' }), 'X');
    assert.equal(t.execute({ Name: 'x' }, { funcs: { upper: { params: ['string'], fn: ((s: string) => `<${s}>`) as never } } }), '<x>');
  });
});

describe('errors', () => {
  it('are invalidParameter BerthErrors carrying Go\'s message', () => {
    assert.throws(() => parseTemplate('{{foo}}'), (e: unknown) => isBerthError(e, 'invalidParameter') && e.message === 'template: :1: function "foo" not defined');
    assert.throws(() => renderTemplate('{{len 3}}', {}), (e: unknown) => isBerthError(e, 'invalidParameter') && /error calling len: len of type int$/.test(e.message));
  });

  it('keep the output written before the failure, as Go leaves it in the writer', () => {
    try {
      renderTemplate('ab{{template "t" .}}{{define "t"}}c{{len 1}}{{end}}', {});
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as Error & { cause: { partial: string } }).cause.partial, 'abc');
      assert.match((e as Error).message, /executing "t" at <len 1>/);
    }
  });

  it('stop runaway recursion and nesting', () => {
    assert.equal(run('{{define "r"}}{{template "r" .}}{{end}}{{template "r"}}', {}), 'ERR template: :1:25: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (1000)');
    assert.equal(run(`{{${'('.repeat(1001)}1${')'.repeat(1001)}}}`, {}), 'ERR template: :1: max expression depth exceeded');
  });

  it('report where the failing node is, in bytes from the line start (parse.ErrorContext)', () => {
    assert.equal(run('é\n  é{{.X.Y}}', { X: 'x' }), 'ERR template: :2:8: executing "" at <.X.Y>: can\'t evaluate field Y in type string');
  });
});
