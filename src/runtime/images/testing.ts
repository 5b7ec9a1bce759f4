/**
 * @module runtime/images/testing
 * Helpers for tests that need images: the busybox rootfs stream from scripts/busybox-rootfs.sh,
 * and docker-save / OCI-layout archives built from directories. Test-only.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { run, spawnProcess } from '../../dataplane/exec.js';
import { InstanceNames } from '../../lib/names.js';

/** scripts/busybox-rootfs.sh, found upwards from this file (it runs from src/ and from dist/src/). */
export const BUSYBOX_SCRIPT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'scripts', 'busybox-rootfs.sh'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('scripts/busybox-rootfs.sh not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return join(dir, 'scripts', 'busybox-rootfs.sh');
})();

/** `scripts/busybox-rootfs.sh` as a stream, exactly what the documented one-liner pipes in. */
export function busyboxRootfsStream(): NodeJS.ReadableStream {
  const child = spawnProcess(['sh', BUSYBOX_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  return child.stdout!;
}

export function testNames(root: string): InstanceNames {
  return new InstanceNames({ prefix: 'btest', dataRoot: join(root, 'data'), runRoot: join(root, 'run'), socket: join(root, 'run', 'sock') });
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Tar `dir`'s contents into `out` (gzip when asked); returns the DiffID of the uncompressed tar. */
export async function tarDirectory(dir: string, out: string, gzip = false): Promise<string> {
  const plain = gzip ? `${out}.plain` : out;
  await run(['tar', '-C', dir, '--numeric-owner', '--sort=name', '-cf', plain, '.']);
  const bytes = await readFile(plain);
  if (gzip) {
    await writeFile(out, gzipSync(bytes));
    await rm(plain);
  }
  return `sha256:${sha256Hex(bytes)}`;
}

/** Write files (path -> content) under `dir`. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

function configJson(diffIds: string[], cmd: string[], created: string): string {
  return JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created,
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: cmd, Labels: { built: 'test' } },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created })),
  });
}

/**
 * A `docker save` archive (legacy layout: <id>.json, <n>/layer.tar, manifest.json) of the given
 * layer directories, tagged `tags`. Returns the archive path and the image ID.
 */
export async function buildDockerSave(work: string, layerDirs: string[], tags: string[], cmd = ['sh'], wrongDiffId = false): Promise<{ path: string; id: string }> {
  const out = join(work, `save-${Math.random().toString(16).slice(2)}`);
  await mkdir(out, { recursive: true });
  const diffIds: string[] = [];
  const layers: string[] = [];
  for (const [i, dir] of layerDirs.entries()) {
    await mkdir(join(out, `layer${i}`));
    diffIds.push(await tarDirectory(dir, join(out, `layer${i}`, 'layer.tar')));
    layers.push(`layer${i}/layer.tar`);
  }
  if (wrongDiffId) diffIds[0] = `sha256:${'0'.repeat(64)}`;
  const config = configJson(diffIds, cmd, '2024-01-02T03:04:05.123456789Z');
  const hex = sha256Hex(config);
  await writeFile(join(out, `${hex}.json`), config);
  await writeFile(join(out, 'manifest.json'), JSON.stringify([{ Config: `${hex}.json`, RepoTags: tags, Layers: layers }]));
  await writeFile(join(out, 'repositories'), '{}');
  const path = `${out}.tar`;
  await tarDirectory(out, path);
  return { path, id: `sha256:${hex}` };
}

/** An OCI image layout archive (index.json -> manifest -> config + gzip layers), named by annotation. */
export async function buildOciLayout(work: string, layerDirs: string[], name: string | undefined, cmd = ['sh']): Promise<{ path: string; id: string }> {
  const out = join(work, `oci-${Math.random().toString(16).slice(2)}`);
  const blobs = join(out, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const diffIds: string[] = [];
  const layers: object[] = [];
  for (const dir of layerDirs) {
    const tmp = join(out, 'layer.tgz');
    diffIds.push(await tarDirectory(dir, tmp, true));
    const bytes = await readFile(tmp);
    const hex = sha256Hex(bytes);
    await writeFile(join(blobs, hex), bytes);
    await rm(tmp);
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${hex}`, size: bytes.length });
  }
  const config = configJson(diffIds, cmd, '2024-05-06T07:08:09Z');
  const configHex = sha256Hex(config);
  await writeFile(join(blobs, configHex), config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${configHex}`, size: config.length },
    layers,
  });
  const manifestHex = sha256Hex(manifest);
  await writeFile(join(blobs, manifestHex), manifest);
  const annotations = name ? { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':').pop() } : undefined;
  await writeFile(
    join(out, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${manifestHex}`, size: manifest.length, annotations }],
    }),
  );
  await writeFile(join(out, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const path = `${out}.tar`;
  await tarDirectory(out, path);
  return { path, id: `sha256:${configHex}` };
}

export function fileStream(path: string): NodeJS.ReadableStream {
  return createReadStream(path);
}
