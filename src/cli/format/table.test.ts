/**
 * docker's list output: templates per item, `table` headers, tabwriter alignment, `json` lines.
 *
 * DOCKER_CONTEXT_LS tables were produced with the docker CLI 28.2.2 (Go 1.24.3):
 * `docker context ls --format '<format>'` over the five contexts in CONTEXTS, which goes through the
 * same formatter.Context.Write as `docker ps` and `docker network ls` and works without a daemon.
 * TABWRITER_CASES are the expectations of docker/cli's fork of text/tabwriter
 * (cli/command/formatter/tabwriter/tabwriter_test.go), minus HTML filtering, escapes and debug output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBerthError } from '../../lib/errors.js';
import {
  CONTAINER_HEADERS, DEFAULT_NETWORK_TABLE_FORMAT, NETWORK_HEADERS, formatJSONLines, formatList, isTableFormat, templateString,
} from './table.js';
import { DOCKER_TABWRITER, tabwrite, tabwriteText } from './tabwriter.js';

const CONTEXTS = () => [
  { Name: 'a-much-longer-context-name', Description: '', DockerEndpoint: 'tcp://1.2.3.4:2375', Current: false, Error: '' },
  { Name: 'comb', Description: 'café\u0301x\ttab', DockerEndpoint: 'unix:///c.sock', Current: false, Error: '' },
  { Name: 'default', Description: 'Current DOCKER_HOST based configuration', DockerEndpoint: 'unix:///var/run/docker.sock', Current: true, Error: '' },
  { Name: 'short', Description: 'd', DockerEndpoint: 'unix:///a.sock', Current: false, Error: '' },
  { Name: 'wide', Description: '日本語の説明', DockerEndpoint: 'unix:///b.sock', Current: false, Error: '' },
];
const CONTEXT_HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR' };

function contextLs(format: string): string {
  try {
    return formatList(format, CONTEXTS(), CONTEXT_HEADERS, { typeName: '*formatter.clientContextContext' });
  } catch (e) {
    if (isBerthError(e, 'invalidParameter')) return e.message + '\n';
    throw e;
  }
}

// [--format, what docker printed]
const DOCKER_CONTEXT_LS: Array<[string, string]> = [
  ["table {{.Name}}\\t{{.Description}}\\t{{.DockerEndpoint}}", "NAME                         DESCRIPTION                               DOCKER ENDPOINT\na-much-longer-context-name                                             tcp://1.2.3.4:2375\ncomb                         café́x                                     tab       unix:///c.sock\ndefault                      Current DOCKER_HOST based configuration   unix:///var/run/docker.sock\nshort                        d                                         unix:///a.sock\nwide                         日本語の説明                              unix:///b.sock\n"],
  ["table {{.Description}}\\t{{.Name}}\\t{{.DockerEndpoint}}", "DESCRIPTION                               NAME                         DOCKER ENDPOINT\n                                          a-much-longer-context-name   tcp://1.2.3.4:2375\ncafé́x                                     tab                          comb      unix:///c.sock\nCurrent DOCKER_HOST based configuration   default                      unix:///var/run/docker.sock\nd                                         short                        unix:///a.sock\n日本語の説明                              wide                         unix:///b.sock\n"],
  ["table {{.Name}}", "NAME\na-much-longer-context-name\ncomb\ndefault\nshort\nwide\n"],
  ["table {{.Name}}\\t{{.Current}}", "NAME                         <no value>\na-much-longer-context-name   false\ncomb                         false\ndefault                      true\nshort                        false\nwide                         false\n"],
  ["{{.Name}}\\t{{.Description}}", "a-much-longer-context-name\t\ncomb\tcafé́x\ttab\ndefault\tCurrent DOCKER_HOST based configuration\nshort\td\nwide\t日本語の説明\n"],
  ["json", "{\"Current\":false,\"Description\":\"\",\"DockerEndpoint\":\"tcp://1.2.3.4:2375\",\"Error\":\"\",\"Name\":\"a-much-longer-context-name\"}\n{\"Current\":false,\"Description\":\"café́x\\ttab\",\"DockerEndpoint\":\"unix:///c.sock\",\"Error\":\"\",\"Name\":\"comb\"}\n{\"Current\":true,\"Description\":\"Current DOCKER_HOST based configuration\",\"DockerEndpoint\":\"unix:///var/run/docker.sock\",\"Error\":\"\",\"Name\":\"default\"}\n{\"Current\":false,\"Description\":\"d\",\"DockerEndpoint\":\"unix:///a.sock\",\"Error\":\"\",\"Name\":\"short\"}\n{\"Current\":false,\"Description\":\"日本語の説明\",\"DockerEndpoint\":\"unix:///b.sock\",\"Error\":\"\",\"Name\":\"wide\"}\n"],
  ["{{json .}}", "{\"Current\":false,\"Description\":\"\",\"DockerEndpoint\":\"tcp://1.2.3.4:2375\",\"Error\":\"\",\"Name\":\"a-much-longer-context-name\"}\n{\"Current\":false,\"Description\":\"café́x\\ttab\",\"DockerEndpoint\":\"unix:///c.sock\",\"Error\":\"\",\"Name\":\"comb\"}\n{\"Current\":true,\"Description\":\"Current DOCKER_HOST based configuration\",\"DockerEndpoint\":\"unix:///var/run/docker.sock\",\"Error\":\"\",\"Name\":\"default\"}\n{\"Current\":false,\"Description\":\"d\",\"DockerEndpoint\":\"unix:///a.sock\",\"Error\":\"\",\"Name\":\"short\"}\n{\"Current\":false,\"Description\":\"日本語の説明\",\"DockerEndpoint\":\"unix:///b.sock\",\"Error\":\"\",\"Name\":\"wide\"}\n"],
  ["table {{.Name}}\\t{{.Description}}\\n{{.DockerEndpoint}}", "NAME      DESCRIPTION\nDOCKER ENDPOINT\na-much-longer-context-name   \ntcp://1.2.3.4:2375\ncomb      café́x     tab\nunix:///c.sock\ndefault   Current DOCKER_HOST based configuration\nunix:///var/run/docker.sock\nshort     d\nunix:///a.sock\nwide      日本語の説明\nunix:///b.sock\n"],
  ["table {{upper .Name}}\\t{{pad .Description 2 2}}\\t{{.Foo}}", "template parsing error: template: :1:43: executing \"\" at <.Foo>: can't evaluate field Foo in type *formatter.clientContextContext\n"],
  ["table   {{.Name}} x  ", "NAME x\na-much-longer-context-name x\ncomb x\ndefault x\nshort x\nwide x\n"],
  ["table {{upper .Name}}\\t{{pad .Name 2 2}}|\\t{{json .Description}}\\t{{lower .Name | title}}\\t{{truncate .Name 3}}\\t{{split .Name \"-\"}}\\t{{join (split .Name \"-\") \"+\"}}", "NAME                           NAME  |                         DESCRIPTION                                 NAME                         NAME      NAME                           NAME\nA-MUCH-LONGER-CONTEXT-NAME     a-much-longer-context-name  |   \"\"                                          A-Much-Longer-Context-Name   a-m       [a much longer context name]   a+much+longer+context+name\nCOMB                           comb  |                         \"café́x\\ttab\"                                Comb                         com       [comb]                         comb\nDEFAULT                        default  |                      \"Current DOCKER_HOST based configuration\"   Default                      def       [default]                      default\nSHORT                          short  |                        \"d\"                                         Short                        sho       [short]                        short\nWIDE                           wide  |                         \"日本語の説明\"                              Wide                         wid       [wide]                         wide\n"],
  ["table {{.Name}}\\t{{.Label \"x\"}}", "template parsing error: template: :1:12: executing \"\" at <.Label>: can't evaluate field Label in type *formatter.clientContextContext\n"],
  ["table {{.Name}}\\t{{if .Current}}*{{end}}\\t{{.Error}}", "NAME                                   ERROR\na-much-longer-context-name             \ncomb                                   \ndefault                      *         \nshort                                  \nwide                                   \n"],
  ["table {{.Name}}\\t\\t{{.Error}}\\t", "NAME                                   ERROR     \na-much-longer-context-name                       \ncomb                                             \ndefault                                          \nshort                                            \nwide                                             \n"],
  ["table {{.Name}}\\v{{.DockerEndpoint}}", "NAME\\vDOCKER ENDPOINT\na-much-longer-context-name\\vtcp://1.2.3.4:2375\ncomb\\vunix:///c.sock\ndefault\\vunix:///var/run/docker.sock\nshort\\vunix:///a.sock\nwide\\vunix:///b.sock\n"],
  ["table {{.Name}}\\t{{printf \"%-20s|\" .Description}}\\t{{len .Name}}", "NAME                         DESCRIPTION         |                      4\na-much-longer-context-name                       |                      26\ncomb                         café́x                                      tab          |   4\ndefault                      Current DOCKER_HOST based configuration|   7\nshort                        d                   |                      5\nwide                         日本語の説明              |                4\n"],
  ["table {{.Name | printf \"%.3s\"}}\\t{{.Name 1}}", "template parsing error: template: :1:28: executing \"\" at <.Name>: wrong number of args for Name: want 0 got 1\n"],
  ["table {{if eq .Name \"default\"}}{{.Name}}\\t{{.Current}}{{else}}{{.Name}}{{end}}", "NAME\na-much-longer-context-name\ncomb\ndefault   true\nshort\nwide\n"],
];

// [--format, what docker printed]: execution errors against docker's formatter contexts.
const DOCKER_CONTEXT_LS_ERRORS: Array<[string, string]> = [
  ["{{.Foo}}", "template parsing error: template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo in type *formatter.clientContextContext\n"],
  ["{{len 3}}", "template parsing error: template: :1:2: executing \"\" at <len 3>: error calling len: len of type int\n"],
  ["{{index .Name 1}}", "45\n111\n101\n104\n105\n"],
  ["{{upper 3}}", "template parsing error: template: :1:8: executing \"\" at <3>: expected string; found 3\n"],
  ["{{upper .Current}}", "template parsing error: template: :1:8: executing \"\" at <.Current>: wrong type for value; expected string; got bool\n"],
  ["{{.Name.X}}", "template parsing error: template: :1:7: executing \"\" at <.Name.X>: can't evaluate field X in type string\n"],
  ["{{range .Name}}x{{end}}", "template parsing error: template: :1:8: executing \"\" at <.Name>: range can't iterate over a-much-longer-context-name\n"],
  ["{{template \"x\"}}", "template parsing error: template: :1:11: executing \"\" at <{{template \"x\"}}>: template \"x\" not defined\n"],
  ["a{{\"b\"}}\\n{{.Name 1}}", "template parsing error: template: :2:2: executing \"\" at <.Name>: wrong number of args for Name: want 0 got 1\n"],
  ["{{nil}}", "template parsing error: template: :1:2: executing \"\" at <nil>: nil is not a command\n"],
  ["{{eq 1 \"a\"}}", "template parsing error: template: :1:2: executing \"\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison\n"],
  ["{{lt 1 2.0}}", "template parsing error: template: :1:2: executing \"\" at <lt 1 2.0>: error calling lt: incompatible types for comparison\n"],
  ["{{lt true false}}", "template parsing error: template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for comparison\n"],
  ["{{eq .Current true}}{{eq .Name \"default\" \"x\"}}", "falsefalse\nfalsefalse\ntruetrue\nfalsefalse\nfalsefalse\n"],
  ["{{index .Name 10}}", "template parsing error: template: :1:2: executing \"\" at <index .Name 10>: error calling index: index out of range: 10\n"],
  ["{{index .Name 3}}", "117\n98\n97\n114\n101\n"],
  ["{{slice .Name 3 1}}", "template parsing error: template: :1:2: executing \"\" at <slice .Name 3 1>: error calling slice: invalid slice index: 3 > 1\n"],
  ["{{slice .Name 1 2 3}}", "template parsing error: template: :1:2: executing \"\" at <slice .Name 1 2 3>: error calling slice: cannot 3-index slice a string\n"],
  ["{{and}}", "template parsing error: template: :1:2: executing \"\" at <and>: wrong number of args for and: want at least 1 got 0\n"],
  ["{{printf}}", "template parsing error: template: :1:2: executing \"\" at <printf>: wrong number of args for printf: want at least 1 got 0\n"],
  ["{{printf 1}}", "template parsing error: template: :1:9: executing \"\" at <1>: expected string; found 1\n"],
  ["{{pad .Name -1 0}}", "template parsing error: template: :1:2: executing \"\" at <pad .Name -1 0>: error calling pad: strings: negative Repeat count\n"],
  ["{{truncate .Name -1}}", "template parsing error: template: :1:2: executing \"\" at <truncate .Name -1>: error calling truncate: runtime error: slice bounds out of range [:-1]\n"],
  ["{{split .Name}}", "template parsing error: template: :1:2: executing \"\" at <split>: wrong number of args for split: want 2 got 1\n"],
  ["{{json .Name 1}}", "template parsing error: template: :1:2: executing \"\" at <json>: wrong number of args for json: want 1 got 2\n"],
  ["{{.Name | upper | lower | len}}", "26\n4\n7\n5\n4\n"],
  ["{{. 1}}", "template parsing error: template: :1:2: executing \"\" at <.>: can't give argument to non-function .\n"],
  ["{{$x := .Name}}{{$x.Foo}}", "template parsing error: template: :1:19: executing \"\" at <$x.Foo>: can't evaluate field Foo in type string\n"],
  ["{{.Current.Foo}}", "template parsing error: template: :1:10: executing \"\" at <.Current.Foo>: can't evaluate field Foo in type bool\n"],
  ["{{index . \"Name\"}}", "template parsing error: template: :1:2: executing \"\" at <index . \"Name\">: error calling index: can't index item of type formatter.clientContextContext\n"],
  ["{{call .Name}}", "template parsing error: template: :1:2: executing \"\" at <call .Name>: error calling call: non-function .Name of type string\n"],
  ["{{title 1.5}}", "template parsing error: template: :1:8: executing \"\" at <1.5>: expected string; found 1.5\n"],
  ["{{pad .Name 1.5 2}}", "template parsing error: template: :1:12: executing \"\" at <1.5>: expected integer; found 1.5\n"],
  ["{{not}}", "template parsing error: template: :1:2: executing \"\" at <not>: wrong number of args for not: want 1 got 0\n"],
  ["{{index nil 1}}", "template parsing error: template: :1:2: executing \"\" at <index nil 1>: error calling index: index of untyped nil\n"],
  ["{{index .Current}}", "false\nfalse\ntrue\nfalse\nfalse\n"],
  ["{{eq}}", "template parsing error: template: :1:2: executing \"\" at <eq>: wrong number of args for eq: want at least 1 got 0\n"],
  ["{{ne 1}}", "template parsing error: template: :1:2: executing \"\" at <ne>: wrong number of args for ne: want 2 got 1\n"],
  ["{{slice 3}}", "template parsing error: template: :1:2: executing \"\" at <slice 3>: error calling slice: can't slice item of type int\n"],
  ["{{print .Foo}}", "template parsing error: template: :1:8: executing \"\" at <.Foo>: can't evaluate field Foo in type *formatter.clientContextContext\n"],
  ["{{(.Name).Foo}}", "template parsing error: template: :1:3: executing \"\" at <.Name>: can't evaluate field Foo in type string\n"],
  ["{{.Name | .Description}}", "template parsing error: template: :1:10: executing \"\" at <.Description>: wrong number of args for Description: want 0 got 1\n"],
  ["{{with .Foo}}x{{end}}", "template parsing error: template: :1:7: executing \"\" at <.Foo>: can't evaluate field Foo in type *formatter.clientContextContext\n"],
  ["{{if .Name}}{{.Bar}}{{end}}", "template parsing error: template: :1:14: executing \"\" at <.Bar>: can't evaluate field Bar in type *formatter.clientContextContext\n"],
  ["{{range $i, $x := 3}}{{end}}", "template parsing error: template: :1:18: executing \"\" at <3>: can't use 3 to iterate over more than one variable\n"],
];

// [name, minwidth, tabwidth, padding, padchar, alignRight, discardEmptyColumns, input, output]
const TABWRITER_CASES: Array<[string, number, number, number, string, boolean, boolean, string, string]> = [
  ["1a", 8, 0, 1, ".", false, false, "", ""],
  ["2", 8, 0, 1, ".", false, false, "\n\n\n", "\n\n\n"],
  ["3", 8, 0, 1, ".", false, false, "a\nb\nc", "a\nb\nc"],
  ["4a", 8, 0, 1, ".", false, false, "\t", ""],
  ["4b", 8, 0, 1, ".", true, false, "\t", ""],
  ["5", 8, 0, 1, ".", false, false, "*\t*", "*.......*"],
  ["5b", 8, 0, 1, ".", false, false, "*\t*\n", "*.......*\n"],
  ["5c", 8, 0, 1, ".", false, false, "*\t*\t", "*.......*"],
  ["5d", 8, 0, 1, ".", true, false, "*\t*\t", ".......**"],
  ["6", 8, 0, 1, ".", false, false, "\t\n", "........\n"],
  ["7a", 8, 0, 1, ".", false, false, "a) foo", "a) foo"],
  ["7b", 8, 0, 1, " ", false, false, "b) foo\tbar", "b) foo  bar"],
  ["7c", 8, 0, 1, ".", false, false, "c) foo\tbar\t", "c) foo..bar"],
  ["7d", 8, 0, 1, ".", false, false, "d) foo\tbar\n", "d) foo..bar\n"],
  ["7e", 8, 0, 1, ".", false, false, "e) foo\tbar\t\n", "e) foo..bar.....\n"],
  ["8", 8, 0, 1, "*", false, false, "Hello, world!\n", "Hello, world!\n"],
  ["9a", 1, 0, 0, ".", false, false, "1\t2\t3\t4\n11\t222\t3333\t44444\n", "1.2..3...4\n11222333344444\n"],
  ["9c", 1, 0, 0, ".", false, false, "1\t2\t3\t4\f11\t222\t3333\t44444\n", "1234\n11222333344444\n"],
  ["10a", 5, 0, 0, ".", false, false, "1\t2\t3\t4\n", "1....2....3....4\n"],
  ["10b", 5, 0, 0, ".", false, false, "1\t2\t3\t4\t\n", "1....2....3....4....\n"],
  ["11", 8, 0, 1, ".", false, false, "本\tb\tc\naa\t本本本\tcccc\tddddd\naaa\tbbbb\n", "本......b.......c\naa......本本本..cccc....ddddd\naaa.....bbbb\n"],
  ["12a", 8, 0, 1, " ", true, false, "a\tè\tc\t\naa\tèèè\tcccc\tddddd\t\naaa\tèèèè\t\n", "       a       è       c\n      aa     èèè    cccc   ddddd\n     aaa    èèèè\n"],
  ["12b", 2, 0, 0, " ", false, false, "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a  b  c\naa bbbcccc\naaabbbb\n"],
  ["12c", 8, 0, 1, "_", false, false, "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n"],
  ["13a", 4, 0, 1, "-", false, false, "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n", "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n"],
  ["13b", 4, 0, 3, ".", false, false, "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n", "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n"],
  ["14", 1, 0, 2, " ", true, false, ".0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n.0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t", "    .0          .3    2.4    -5.1\n  23.0  12345678.9    2.4  -989.4\n   5.1        12.0    2.4    -7.0\n    .0         0.0  332.0  8908.0\n    .0         -.3  456.4    22.1\n    .0         1.2   44.4   -13.3"],
  ["15a", 4, 0, 0, ".", false, false, "a\t\tb", "a.......b"],
  ["15b", 4, 0, 0, ".", false, true, "a\t\tb", "a.......b"],
  ["15c", 4, 0, 0, ".", false, true, "a\u000b\u000bb", "a...b"],
  ["15d", 4, 0, 0, ".", true, true, "a\u000b\u000bb", "...ab"],
  ["16a", 100, 100, 0, "\t", false, false, "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n", "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n"],
  ["16b", 100, 100, 0, "\t", false, true, "a\u000bb\u000b\u000bd\na\u000bb\u000b\u000bd\u000be\na\na\u000bb\u000bc\u000bd\na\u000bb\u000bc\u000bd\u000be\n", "a\tb\td\na\tb\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n"],
  ["16c", 100, 100, 0, "\t", false, true, "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n", "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n"],
];

describe('formatList as docker context ls prints', () => {
  for (const [format, want] of DOCKER_CONTEXT_LS) it(format, () => assert.equal(contextLs(format), want));
});

describe('formatList errors as docker reports them', () => {
  for (const [format, want] of DOCKER_CONTEXT_LS_ERRORS) it(format, () => assert.equal(contextLs(format), want));

  it('are invalidParameter BerthErrors, and nothing is printed', () => {
    assert.throws(() => formatList('table {{.ID}}\t{{.Nope}}', [{ ID: 'x' }], CONTAINER_HEADERS, { typeName: '*formatter.ContainerContext' }), (e: unknown) =>
      isBerthError(e, 'invalidParameter') &&
      e.message === 'template parsing error: template: :1:10: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext');
    assert.throws(() => formatList('{{.ID', [], CONTAINER_HEADERS), { message: 'template parsing error: template: :1: unclosed action' });
  });
});

describe('tabwriter (docker/cli formatter/tabwriter)', () => {
  for (const [name, minwidth, tabwidth, padding, padchar, alignRight, discardEmptyColumns, input, want] of TABWRITER_CASES) {
    it(name, () => assert.equal(tabwriteText(input, { minwidth, tabwidth, padding, padchar, alignRight, discardEmptyColumns }), want));
  }

  it('lays out rows with docker\'s settings: minwidth 10, padding 3', () => {
    assert.deepEqual(DOCKER_TABWRITER, { minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ' });
    assert.equal(
      tabwrite([['NETWORK ID', 'NAME', 'DRIVER'], ['0123456789ab', 'bridge', 'bridge'], ['ab', 'host-network-with-long-name', 'host']]),
      'NETWORK ID     NAME                          DRIVER\n' +
        '0123456789ab   bridge                        bridge\n' +
        'ab             host-network-with-long-name   host\n',
    );
  });
});

describe('docker format strings', () => {
  it('templateString drops "table", trims spaces and turns \\t and \\n into tab and newline (formatter.go)', () => {
    assert.equal(templateString('table {{.ID}}\\t{{.Name}}'), '{{.ID}}\t{{.Name}}');
    assert.equal(templateString('  {{.ID}}\\n  '), '{{.ID}}\n');
    assert.equal(templateString('json'), '{{json .}}');
    assert.equal(templateString('table'), '');
    assert.equal(templateString('\t{{.ID}}\t'), '\t{{.ID}}\t');
    assert.equal(isTableFormat('tablex {{.ID}}'), true);
    assert.equal(isTableFormat('{{json .}}'), false);
  });

  it('prints the header even for an empty list, and nothing without "table"', () => {
    assert.equal(formatList(DEFAULT_NETWORK_TABLE_FORMAT, [], NETWORK_HEADERS), 'NETWORK ID   NAME      DRIVER    SCOPE\n');
    assert.equal(formatList('{{.ID}}', [], NETWORK_HEADERS), '');
  });

  it('renders headers with docker\'s HeaderFunctions: names stay intact, pad still pads', () => {
    const items = [{ ID: 'abc', Names: 'web', Ports: '' }];
    assert.equal(
      formatList('table {{upper .ID}}\t{{json .Names}}\t{{pad .Ports 1 1}}|{{.Foo}}', [{ ...items[0], Foo: 'f' }], CONTAINER_HEADERS),
      'CONTAINER ID   NAMES      PORTS |<no value>\nABC            "web"     |f\n',
    );
  });

  it('--format json prints docker\'s MarshalJSON of each context: sorted keys, HTML escaped', () => {
    const items = [{ Names: 'web', ID: 'abc', Ports: '0.0.0.0:80->80/tcp', Label: (k: string) => k }];
    const want = '{"ID":"abc","Names":"web","Ports":"0.0.0.0:80-\\u003e80/tcp"}\n';
    assert.equal(formatList('json', items, CONTAINER_HEADERS), want);
    assert.equal(formatJSONLines(items), want);
    // Encoding one field goes through docker's own encoder, which does not escape HTML.
    assert.equal(formatList('{{json .Ports}}', items, CONTAINER_HEADERS), '"0.0.0.0:80->80/tcp"\n');
  });
});
