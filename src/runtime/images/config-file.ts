/**
 * @module runtime/images/config-file
 * The image config JSON (Docker's image JSON / OCI image config): reading one from an archive into
 * a record, and writing the one for an imported image. Its sha256 is the image ID. Pure.
 */
import { createHash } from 'node:crypto';
import { invalidParameter } from '../../lib/errors.js';
import { ZERO_TIME } from '../../lib/ids.js';
import { fullContainerConfig, pickImageConfig } from './inspect.js';
import type { ImageConfig, ImageConfigFile, ImageRecord } from './types.js';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Parse and check a config against the layers an archive provides; returns the expected DiffIDs. */
export function parseConfigFile(bytes: Buffer, layerCount: number): { file: ImageConfigFile; diffIds: string[] } {
  let file: ImageConfigFile | undefined;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) file = parsed as ImageConfigFile;
  } catch {
    // reported below
  }
  if (!file) throw invalidParameter('invalid archive: image config is not a JSON object');
  if ((file.os ?? 'linux') !== 'linux') throw invalidParameter(`cannot load ${file.os} image on linux`);
  const diffIds = (file.rootfs?.diff_ids ?? []).map(String);
  if (layerCount !== diffIds.length) throw invalidParameter(`invalid manifest, layers length mismatch: expected ${layerCount}, got ${diffIds.length}`);
  return { file, diffIds };
}

/** The record of a loaded image, untagged. */
export function recordFromConfigFile(hex: string, file: ImageConfigFile, size: number): ImageRecord {
  const record: ImageRecord = {
    id: `sha256:${hex}`,
    repoTags: [],
    repoDigests: [],
    created: file.created ?? ZERO_TIME,
    size,
    architecture: file.architecture ?? '',
    os: file.os ?? 'linux',
    config: pickImageConfig(file.config),
    layers: (file.rootfs?.diff_ids ?? []).map(String),
  };
  if (file.variant) record.variant = file.variant;
  if (file.author) record.author = file.author;
  if (file.comment) record.comment = file.comment;
  if (file.docker_version) record.dockerVersion = file.docker_version;
  return record;
}

/** The image JSON of an imported image, in the field order Docker marshals it. */
export function importedConfigFile(opts: { config: ImageConfig; created: string; comment: string; architecture: string; diffId: string }): ImageConfigFile {
  return {
    comment: opts.comment,
    created: opts.created,
    config: fullContainerConfig(opts.config) as ImageConfigFile['config'],
    architecture: opts.architecture,
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [opts.diffId] },
    history: [{ created: opts.created, comment: opts.comment }],
  };
}
