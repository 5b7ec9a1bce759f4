/**
 * @module runtime/images/archive
 * What an unpacked image archive holds: `docker save` output (manifest.json, legacy or Docker 25's
 * OCI-style blobs/sha256 paths) or an OCI image layout (index.json, possibly nested indexes for
 * several platforms). Paths in the archive are untrusted and resolved inside it.
 */
import { readFile } from 'node:fs/promises';
import { invalidParameter } from '../../lib/errors.js';
import { familiarString, parseNormalizedNamed, withDefaultTag } from './reference.js';
import { resolveInRoot } from './scoped-path.js';

export interface ArchiveImage {
  configPath: string;
  /** The digest the config must hash to (OCI descriptors say so); docker-save names carry none. */
  configDigest?: string;
  /** Layer tars (plain or compressed), bottom first. */
  layerPaths: string[];
  /** Names as written in the archive ("busybox:latest", "docker.io/library/busybox:latest"). */
  repoTags: string[];
}

interface ManifestItem {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const NAME_ANNOTATION = 'io.containerd.image.name';
const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const MAX_INDEX_DEPTH = 4;

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function hostArchitecture(): string {
  return GOARCH[process.arch] ?? process.arch;
}

export async function readArchive(dir: string): Promise<ArchiveImage[]> {
  const manifest = await readJson<ManifestItem[] | null>(dir, 'manifest.json');
  if (manifest !== undefined) return fromDockerManifest(dir, manifest);
  const index = await readJson<{ manifests?: Descriptor[] }>(dir, 'index.json');
  if (index !== undefined) return fromOciIndex(dir, index);
  throw invalidParameter('invalid archive: does not contain a manifest.json');
}

async function fromDockerManifest(dir: string, manifest: ManifestItem[] | null): Promise<ArchiveImage[]> {
  if (manifest === null) throw invalidParameter('invalid manifest, manifest cannot be null (but can be [])');
  if (!Array.isArray(manifest)) throw invalidParameter('invalid archive: failed to decode manifest.json');
  const images: ArchiveImage[] = [];
  for (const item of manifest) {
    if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers)) throw invalidParameter('invalid archive: failed to decode manifest.json');
    images.push({
      configPath: await resolveInRoot(dir, item.Config),
      layerPaths: await Promise.all(item.Layers.map((layer) => resolveInRoot(dir, String(layer)))),
      repoTags: (item.RepoTags ?? []).map(String),
    });
  }
  return images;
}

async function fromOciIndex(dir: string, index: { manifests?: Descriptor[] }): Promise<ArchiveImage[]> {
  const images: ArchiveImage[] = [];
  for (const descriptor of index.manifests ?? []) {
    const image = await imageFor(dir, descriptor, 0);
    if (!image) continue;
    const name = descriptor.annotations?.[NAME_ANNOTATION] ?? descriptor.annotations?.[REF_NAME_ANNOTATION];
    // A bare ref.name ("latest") is only a tag, with no repository to put it on.
    if (name && /[:/]/.test(name)) {
      const tagged = tagFromAnnotation(name);
      if (tagged) image.repoTags.push(tagged);
    }
    images.push(image);
  }
  if (!images.length) throw invalidParameter(`invalid archive: no image for linux/${hostArchitecture()} in index.json`);
  return images;
}

/** containerd-style names may lack a tag ("latest" then) or not parse at all (then ignored, like a bare tag). */
function tagFromAnnotation(name: string): string | undefined {
  try {
    const ref = parseNormalizedNamed(name);
    return ref.digest ? undefined : familiarString(withDefaultTag(ref));
  } catch {
    return undefined;
  }
}

/** Follow a descriptor down to one image manifest for this host's platform. */
async function imageFor(dir: string, descriptor: Descriptor, depth: number): Promise<ArchiveImage | undefined> {
  if (depth > MAX_INDEX_DEPTH) throw invalidParameter('invalid archive: image indexes nested too deeply');
  const blob = await readBlob<{ mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] }>(dir, descriptor);
  const isIndex = INDEX_TYPES.has(descriptor.mediaType ?? blob.mediaType ?? '') || (Array.isArray(blob.manifests) && !blob.config);
  if (isIndex) {
    const candidates = (blob.manifests ?? []).filter(matchesHost);
    for (const candidate of candidates) {
      const image = await imageFor(dir, candidate, depth + 1);
      if (image) return image;
    }
    return undefined;
  }
  if (!blob.config?.digest || !Array.isArray(blob.layers)) throw invalidParameter(`invalid archive: manifest ${descriptor.digest} has no config`);
  return {
    configPath: await blobPath(dir, blob.config.digest),
    configDigest: blob.config.digest,
    layerPaths: await Promise.all(blob.layers.map((layer) => blobPath(dir, String(layer.digest)))),
    repoTags: [],
  };
}

/** Entries without a platform are taken; attestation manifests ("unknown/unknown") are not. */
function matchesHost(descriptor: Descriptor): boolean {
  const platform = descriptor.platform;
  if (!platform) return true;
  return platform.os === 'linux' && platform.architecture === hostArchitecture();
}

async function blobPath(dir: string, digest: string): Promise<string> {
  const match = /^([a-z0-9]+):([a-f0-9]{32,})$/.exec(digest);
  if (!match) throw invalidParameter(`invalid archive: bad digest ${JSON.stringify(digest)}`);
  return resolveInRoot(dir, `blobs/${match[1]}/${match[2]}`);
}

async function readBlob<T>(dir: string, descriptor: Descriptor): Promise<T> {
  const path = await blobPath(dir, String(descriptor.digest));
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    throw invalidParameter(`invalid archive: cannot read blob ${descriptor.digest}: ${(err as Error).message}`, err);
  }
}

async function readJson<T>(dir: string, name: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(await resolveInRoot(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalidParameter(`invalid archive: failed to load ${name}: ${(err as Error).message}`, err);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw invalidParameter(`invalid archive: failed to decode ${name}: ${(err as Error).message}`, err);
  }
}
