import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { encodeLogRecord, LineSplitter, parseLogRecords, readLogs, type LogRecord } from './logs.js';

const rec = (stream: 1 | 2, time: number, data: string): LogRecord => ({ stream, time: BigInt(time), data: Buffer.from(data) });
const show = (records: LogRecord[]) => records.map((r) => `${r.stream}@${r.time}:${r.data.toString()}`);

async function collect(iter: AsyncIterable<LogRecord>): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const r of iter) out.push(r);
  return out;
}

describe('log records', () => {
  it('parses whole records and returns the partial tail', () => {
    const file = Buffer.concat([encodeLogRecord(rec(1, 10, 'hi\n')), encodeLogRecord(rec(2, 20, 'err\n'))]);
    for (let cut = 0; cut <= file.length; cut++) {
      const first = parseLogRecords(file.subarray(0, cut));
      const second = parseLogRecords(Buffer.concat([first.rest, file.subarray(cut)]));
      assert.deepEqual(show([...first.records, ...second.records]), ['1@10:hi\n', '2@20:err\n']);
      assert.equal(second.rest.length, 0);
    }
  });

  it('reads the time as u64 nanoseconds', () => {
    const time = 1_790_000_000_123_456_789n;
    const { records } = parseLogRecords(encodeLogRecord({ stream: 1, time, data: Buffer.from('x') }));
    assert.equal(records[0]!.time, time);
  });

  it('rejects a header that is not a record', () => {
    assert.throws(() => parseLogRecords(Buffer.alloc(16, 9)), /corrupt log record/);
  });

  it('splits records into lines and joins a line continued in the next record', () => {
    const splitter = new LineSplitter();
    const lines = [
      ...splitter.push(rec(1, 1, 'a\nb')),
      ...splitter.push(rec(1, 2, 'c\nd\n')),
      ...splitter.push(rec(1, 3, 'e')),
      ...splitter.push(rec(2, 4, 'x\n')),
      ...splitter.flush(),
    ];
    assert.deepEqual(show(lines), ['1@1:a\n', '1@1:bc\n', '1@2:d\n', '1@3:e', '2@4:x\n']);
  });
});

describe('readLogs', () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-tlogs-'));
    path = join(dir, 'c.log');
    const records = [rec(1, 100, 'one\ntwo\n'), rec(2, 200, 'three\n'), rec(1, 300, 'four\nfive')];
    await writeFile(path, Buffer.concat(records.map(encodeLogRecord)));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('returns all records', async () => {
    assert.deepEqual(show(await collect(readLogs(path, { follow: false }))), ['1@100:one\ntwo\n', '2@200:three\n', '1@300:four\nfive']);
  });

  it('tails lines across records', async () => {
    assert.deepEqual(show(await collect(readLogs(path, { follow: false, tail: 3 }))), ['2@200:three\n', '1@300:four\n', '1@300:five']);
    assert.deepEqual(show(await collect(readLogs(path, { follow: false, tail: 0 }))), []);
    assert.equal((await collect(readLogs(path, { follow: false, tail: 100 }))).length, 5);
  });

  it('filters by since and until (inclusive)', async () => {
    assert.deepEqual(show(await collect(readLogs(path, { follow: false, since: 200n }))), ['2@200:three\n', '1@300:four\nfive']);
    assert.deepEqual(show(await collect(readLogs(path, { follow: false, until: 200n }))), ['1@100:one\ntwo\n', '2@200:three\n']);
    assert.deepEqual(show(await collect(readLogs(path, { follow: false, tail: 2, since: 300n }))), ['1@300:four\n', '1@300:five']);
  });

  it('is empty for a missing file', async () => {
    assert.deepEqual(await collect(readLogs(join(dir, 'none.log'), { follow: false })), []);
  });

  it('follows appends until the process exits, then drains', async () => {
    const live = join(dir, 'live.log');
    await writeFile(live, encodeLogRecord(rec(1, 1, 'a')));
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    const got: string[] = [];
    const reading = (async () => {
      for await (const r of readLogs(live, { follow: true, exited })) got.push(r.data.toString());
    })();
    await delay(50);
    // Appended in two writes that split a record, the way a reader can observe a growing file.
    const next = encodeLogRecord(rec(2, 2, 'b'));
    await appendFile(live, next.subarray(0, 5));
    await delay(50);
    await appendFile(live, next.subarray(5));
    await appendFile(live, encodeLogRecord(rec(1, 3, 'c')));
    exit();
    await reading;
    assert.deepEqual(got, ['a', 'b', 'c']);
  });

  it('follows a file created later (polling) and stops on abort', async () => {
    const late = join(dir, 'late.log');
    const controller = new AbortController();
    const got: string[] = [];
    const reading = (async () => {
      for await (const r of readLogs(late, { follow: true, signal: controller.signal })) {
        got.push(r.data.toString());
        controller.abort();
      }
    })();
    await delay(30);
    await writeFile(late, encodeLogRecord(rec(1, 1, 'late')));
    await reading;
    assert.deepEqual(got, ['late']);
  });
});
