/**
 * @module runtime/images/inspect
 * Docker-shaped JSON for images: the image inspect body and the image config file berth writes
 * for imported images (whose sha256 is the image ID). Pure.
 */
import { ZERO_TIME } from '../../lib/ids.js';
import type { ImageConfig, ImageRecord } from './types.js';

/** An image config in the full shape of Docker's container.Config, field order included. */
export function fullContainerConfig(config: ImageConfig, image = ''): Record<string, unknown> {
  const full: Record<string, unknown> = {
    Hostname: '',
    Domainname: '',
    User: config.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
  };
  if (config.ExposedPorts && Object.keys(config.ExposedPorts).length) full.ExposedPorts = config.ExposedPorts;
  Object.assign(full, {
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: config.Env ?? null,
    Cmd: config.Cmd ?? null,
    Image: image,
    Volumes: config.Volumes ?? null,
    WorkingDir: config.WorkingDir ?? '',
    Entrypoint: config.Entrypoint ?? null,
    OnBuild: null,
    Labels: config.Labels ?? null,
  });
  if (config.StopSignal) full.StopSignal = config.StopSignal;
  return full;
}

/** The fields of an archive's config "config" object that berth keeps. */
export function pickImageConfig(raw: Record<string, unknown> | null | undefined): ImageConfig {
  const config: ImageConfig = {};
  if (!raw) return config;
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const record = <T>(v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, T>) : undefined);
  const set = <K extends keyof ImageConfig>(key: K, value: ImageConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  set('Env', strings(raw.Env));
  set('Cmd', strings(raw.Cmd));
  set('Entrypoint', strings(raw.Entrypoint));
  set('WorkingDir', str(raw.WorkingDir));
  set('User', str(raw.User));
  set('ExposedPorts', record<object>(raw.ExposedPorts));
  set('Labels', record<string>(raw.Labels));
  set('Volumes', record<object>(raw.Volumes));
  set('StopSignal', str(raw.StopSignal));
  return config;
}

/** GET /images/{name}/json */
export function inspectImage(image: ImageRecord, rootfsDir: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    Id: image.id,
    RepoTags: image.repoTags,
    RepoDigests: image.repoDigests,
    Parent: '',
    Comment: image.comment ?? '',
    Created: image.created,
    DockerVersion: image.dockerVersion ?? '',
    Author: image.author ?? '',
    Config: fullContainerConfig(image.config),
    Architecture: image.architecture,
  };
  if (image.variant) body.Variant = image.variant;
  Object.assign(body, {
    Os: image.os,
    Size: image.size,
    GraphDriver: { Data: { MergedDir: rootfsDir, UpperDir: rootfsDir }, Name: 'overlay2' },
    RootFS: { Type: 'layers', Layers: image.layers ?? [] },
    Metadata: { LastTagTime: image.lastTagTime ?? ZERO_TIME },
  });
  return body;
}
