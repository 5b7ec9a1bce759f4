/**
 * @module engine/io
 * Each container has one hub: output from its shim fans out to every attached client, stdin from
 * clients goes to the shim. Clients may attach before the container starts (docker run does), so
 * the hub outlives a single run and buffers stdin until a shim is connected.
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { ShimConnection } from '../runtime/supervisor.js';

/** Where an attached client receives output. The API adapts it to raw or multiplexed streams. */
export interface OutputSink {
  write(stream: 1 | 2, data: Buffer): void;
  end(): void;
}

export class Hub extends EventEmitter {
  #conn: ShimConnection | undefined;
  #pendingStdin: Buffer[] = [];
  #stdinClosed = false;

  constructor() {
    super();
    this.setMaxListeners(0);
  }

  /** A shim connection for a newly started process: pipe its output here, flush buffered stdin. */
  connect(conn: ShimConnection): void {
    this.#conn = conn;
    conn.on('output', (stream, data) => this.emit('output', stream, data));
    for (const chunk of this.#pendingStdin) conn.writeStdin(chunk);
    this.#pendingStdin = [];
    if (this.#stdinClosed) conn.closeStdin();
    this.#stdinClosed = false;
  }

  /** The process exited: attached clients finish. */
  exited(code: number): void {
    this.#conn?.close();
    this.#conn = undefined;
    this.emit('exit', code);
  }

  writeStdin(data: Buffer): void {
    if (this.#conn) this.#conn.writeStdin(data);
    else this.#pendingStdin.push(data);
  }

  closeStdin(): void {
    if (this.#conn) this.#conn.closeStdin();
    else this.#stdinClosed = true;
  }

  resize(rows: number, cols: number): void {
    this.#conn?.resize(rows, cols);
  }

  get running(): boolean {
    return this.#conn !== undefined;
  }

  /**
   * Attach a client until the process exits or the client leaves. Resolves when done.
   * `stdin` (if given) is forwarded; when it ends and `stdinOnce`, the process's stdin closes.
   */
  attach(opts: { sink: OutputSink; stdout: boolean; stderr: boolean; stdin?: Readable; stdinOnce: boolean; gone: Promise<void> }): Promise<void> {
    return new Promise((resolve) => {
      const onOutput = (stream: 1 | 2, data: Buffer) => {
        if ((stream === 1 && opts.stdout) || (stream === 2 && opts.stderr)) opts.sink.write(stream, data);
      };
      const finish = () => {
        this.off('output', onOutput);
        this.off('exit', onExit);
        opts.stdin?.off('data', onStdin);
        resolve();
      };
      const onExit = () => {
        // This run is over: the client leaving later must not close the next run's stdin.
        opts.stdin?.off('end', onStdinEnd);
        opts.sink.end();
        finish();
      };
      const onStdin = (chunk: Buffer) => this.writeStdin(chunk);
      const onStdinEnd = () => {
        if (opts.stdinOnce) this.closeStdin();
      };
      this.on('output', onOutput);
      this.on('exit', onExit);
      if (opts.stdin) {
        opts.stdin.on('data', onStdin);
        opts.stdin.once('end', onStdinEnd);
      }
      opts.gone.then(finish, finish);
    });
  }
}

export class Hubs {
  #hubs = new Map<string, Hub>();

  get(id: string): Hub {
    let hub = this.#hubs.get(id);
    if (!hub) this.#hubs.set(id, (hub = new Hub()));
    return hub;
  }

  drop(id: string): void {
    this.#hubs.get(id)?.removeAllListeners();
    this.#hubs.delete(id);
  }
}
