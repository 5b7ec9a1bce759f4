/**
 * @module cli/jsonmessage
 * The daemon's progress streams (pull, load, import): one JSON object per line with `stream`,
 * `status`/`id`/`progress`, `aux` or `error`/`errorDetail`, shown the way docker's jsonmessage
 * display does without a terminal. An `error` ends the stream with that message.
 */
import type { Writable } from 'node:stream';

interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

export class JsonMessageError extends Error {
  override readonly name = 'JsonMessageError';
}

/** Print each message; resolves with the `aux` IDs seen; rejects on an error message. */
export async function displayJsonMessages(stream: AsyncIterable<Buffer | string>, out: Writable | undefined): Promise<string[]> {
  const aux: string[] = [];
  let pending = '';
  const handle = (line: string) => {
    if (line.trim() === '') return;
    let msg: JsonMessage;
    try {
      msg = JSON.parse(line) as JsonMessage;
    } catch {
      out?.write(line + '\n');
      return;
    }
    if (msg.error || msg.errorDetail?.message) throw new JsonMessageError(msg.errorDetail?.message || msg.error || '');
    if (msg.aux?.ID) aux.push(msg.aux.ID);
    if (msg.stream !== undefined) out?.write(msg.stream);
    else if (msg.status !== undefined) out?.write(`${msg.id ? `${msg.id}: ` : ''}${msg.status}${msg.progress ? ` ${msg.progress}` : ''}\n`);
  };
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      handle(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
    }
  }
  handle(pending);
  return aux;
}
