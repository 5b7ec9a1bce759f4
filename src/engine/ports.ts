/**
 * @module engine/ports
 * Published ports (-p/-P) for a starting container. Issue #4 fills in the kernel path; until
 * then no port is published and `ports` stays empty.
 */
import type { UndoStack } from '../lib/undo.js';
import type { ContainerRecord } from './model.js';

export class PortService {
  async publish(c: ContainerRecord, undo: UndoStack): Promise<void> {
    void undo;
    c.ports = {};
  }

  async unpublish(c: ContainerRecord): Promise<void> {
    c.ports = {};
  }

  async restore(c: ContainerRecord): Promise<void> {
    void c;
  }
}
