/**
 * @module drivers/steps
 * Running independent kernel steps side by side (a bridge and its firewall do not wait for each
 * other) while keeping the undo promise: every step that succeeded registers its undo, then the
 * first failure is thrown and the caller's rollback undoes the rest.
 */
import { errorMessage, systemError, wrapError } from '../lib/errors.js';
import type { UndoStack } from '../lib/undo.js';

export interface Step {
  label: string;
  run: () => Promise<unknown>;
  /** Registered on the stack when `run` succeeded. */
  undo?: () => Promise<unknown>;
}

export async function parallelSteps(undo: UndoStack, steps: Step[]): Promise<void> {
  const results = await Promise.allSettled(steps.map((s) => s.run()));
  let failure: unknown;
  results.forEach((r, i) => {
    const step = steps[i]!;
    if (r.status === 'fulfilled') {
      if (step.undo) undo.push(step.label, step.undo);
    } else failure ??= r.reason;
  });
  if (failure !== undefined) throw failure;
}

/** Teardown side by side: run every step, then throw one error listing the failures (like runAll). */
export async function settleAll(steps: Array<() => Promise<unknown>>, context: string): Promise<void> {
  const results = await Promise.allSettled(steps.map((s) => s()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1) throw wrapError(failures[0], context);
  if (failures.length > 1) throw systemError(`${context}: ${failures.map(errorMessage).join('; ')}`, new AggregateError(failures));
}
