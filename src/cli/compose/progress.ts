/**
 * @module compose/progress
 * compose's progress output, on stderr as compose writes it. `plain` prints every event as it
 * happens (`display.Plain`: " <id> <text> <details>"); `tty` (the default) prints the final state
 * as one block, like compose v2's progress writer once it has finished:
 *
 *   [+] Running 2/2
 *    ✔ Network app_default  Created
 *    ✔ Container app-web-1  Started
 *
 * without timers or cursor movement, so the output is the same on a terminal and in a pipe.
 */

export type EventStatus = 'working' | 'done' | 'warning' | 'error';
export type ProgressMode = 'tty' | 'plain' | 'quiet';

interface Task {
  id: string;
  status: EventStatus;
  text: string;
  details: string;
}

const SPINNER: Record<EventStatus, string> = { working: '⠿', done: '✔', warning: '!', error: '✘' };

export class Progress {
  readonly #tasks = new Map<string, Task>();
  readonly #out: NodeJS.WritableStream;
  readonly #mode: ProgressMode;
  readonly #title: string;

  constructor(out: NodeJS.WritableStream, mode: ProgressMode, title = 'Running') {
    this.#out = out;
    this.#mode = mode;
    this.#title = title;
  }

  event(id: string, status: EventStatus, text: string, details = ''): void {
    this.#tasks.set(id, { id, status, text, details });
    if (this.#mode === 'plain') this.#out.write(` ${id} ${text} ${details}\n`);
  }

  working(id: string, text: string): void {
    this.event(id, 'working', text);
  }

  done(id: string, text: string): void {
    this.event(id, 'done', text);
  }

  warning(id: string, text: string, details = ''): void {
    this.event(id, 'warning', text, details);
  }

  error(id: string, details: string): void {
    this.event(id, 'error', 'Error', details);
  }

  get size(): number {
    return this.#tasks.size;
  }

  /** Print the block (tty mode); call once, also after a failure. */
  finish(): void {
    if (this.#mode !== 'tty' || !this.#tasks.size) return;
    this.#out.write(render([...this.#tasks.values()], this.#title));
  }
}

export function render(tasks: Task[], title: string): string {
  const finished = tasks.filter((t) => t.status !== 'working').length;
  const width = Math.max(...tasks.map((t) => [...t.id].length));
  const lines = tasks.map((t) => {
    const pad = ' '.repeat(width - [...t.id].length);
    return ` ${SPINNER[t.status]} ${t.id}${pad}  ${t.text}${t.details ? ` ${t.details}` : ''}`;
  });
  return `[+] ${title} ${finished}/${tasks.length}\n${lines.join('\n')}\n`;
}
