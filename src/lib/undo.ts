/**
 * @module undo
 * A multi-step change registers how to undo each step as it goes. On failure `rollback()` runs
 * the undos in reverse order; an undo that fails is logged and never hides the original error.
 */
import { log } from './log.js';

export type UndoFn = () => Promise<unknown> | unknown;

export class UndoStack {
  #steps: Array<{ label: string; undo: UndoFn }> = [];

  push(label: string, undo: UndoFn): void {
    this.#steps.push({ label, undo });
  }

  get size(): number {
    return this.#steps.length;
  }

  /** Forget the undos: the change succeeded. */
  commit(): void {
    this.#steps = [];
  }

  async rollback(): Promise<void> {
    const steps = this.#steps.reverse();
    this.#steps = [];
    for (const { label, undo } of steps) {
      try {
        await undo();
      } catch (err) {
        log.warn(`rollback step "${label}" failed`, err);
      }
    }
  }
}

/**
 * Run `body` with a fresh stack: commit when it returns, roll back and rethrow when it throws.
 */
export async function withUndo<T>(body: (undo: UndoStack) => Promise<T>): Promise<T> {
  const undo = new UndoStack();
  try {
    const result = await body(undo);
    undo.commit();
    return result;
  } catch (err) {
    await undo.rollback();
    throw err;
  }
}

/**
 * Test hook (moby's DOCKER_TEST_BRIDGE_INIT_ERROR): `BERTH_TEST_FAIL_AT=<step>` makes the named
 * step throw, so tests can prove that a failure halfway rolls everything back.
 */
export function failPoint(step: string): void {
  const at = process.env.BERTH_TEST_FAIL_AT;
  if (at && at.split(',').includes(step)) throw new Error(`injected failure at ${step}`);
}
