/**
 * @module runtime/images/remove
 * `docker rmi` decided without touching anything: which references go, whether the image goes,
 * or which conflict stops it, following moby's ImageDelete (tag given: untag first and delete
 * only when nothing else names the image; ID given: delete, untagging a single name on the way).
 * Pure.
 */
import { BerthError, conflict } from '../../lib/errors.js';
import { shortId } from '../../lib/ids.js';
import { familiarName, familiarString, parseNormalizedNamed, withDefaultTag } from './reference.js';
import type { ImageRecord } from './types.js';

/** The container that uses an image, if any. */
export interface ImageUser {
  id: string;
  running: boolean;
}

export type DeleteResponse = { Untagged?: string; Deleted?: string };

export interface RemovePlan {
  responses: DeleteResponse[];
  /** Familiar references ("busybox:latest", "app@sha256:…") to drop. */
  untag: string[];
  deleteImage: boolean;
}

class DeleteConflict extends BerthError {
  constructor(
    imageId: string,
    readonly hard: boolean,
    readonly used: boolean,
    reason: string,
  ) {
    super('conflict', `conflict: unable to delete ${shortHex(imageId)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${reason}`);
  }
}

export function planRemove(image: ImageRecord, ref: string, force: boolean, user: ImageUser | undefined): RemovePlan {
  let refs = [...image.repoTags, ...image.repoDigests];
  const plan: RemovePlan = { responses: [], untag: [], deleteImage: false };
  const drop = (name: string) => {
    refs = refs.filter((r) => r !== name);
    plan.untag.push(name);
    plan.responses.push({ Untagged: name });
  };

  let quiet = false;
  if (!isImageIdPrefix(image.id, ref)) {
    if (!force && isSingleReference(refs) && user) {
      throw conflict(
        `conflict: unable to remove repository reference ${JSON.stringify(ref)} (must force) - container ${shortId(user.id)} is using its referenced image ${shortHex(image.id)}`,
      );
    }
    const named = withDefaultTag(parseNormalizedNamed(ref));
    drop(familiarString(named));
    if (!named.digest) {
      // The last tag of a repository takes the repository's digest references with it.
      const name = familiarName(named);
      const tagLeft = refs.some((r) => !r.includes('@') && repositoryOf(r) === name);
      if (!tagLeft) refs.filter((r) => r.includes('@') && repositoryOf(r) === name).forEach(drop);
    }
    if (refs.length) return plan;
    quiet = true;
  } else if (isSingleReference(refs)) {
    const found = findConflict(image.id, user, refs, { activeReference: false, stopped: !force });
    if (found) throw found;
    [...refs].forEach(drop);
  }

  const found = findConflict(image.id, user, refs, { activeReference: !force, stopped: !force });
  if (found) {
    // A tag was removed and the image is still in use: it stays, untagged, without complaint.
    if (quiet && (refs.length > 0 || found.used)) return plan;
    throw found;
  }
  [...refs].forEach(drop);
  plan.responses.push({ Deleted: image.id });
  plan.deleteImage = true;
  return plan;
}

function findConflict(
  imageId: string,
  user: ImageUser | undefined,
  refs: string[],
  soft: { activeReference: boolean; stopped: boolean },
): DeleteConflict | undefined {
  if (user?.running) return new DeleteConflict(imageId, true, true, `image is being used by running container ${shortId(user.id)}`);
  if (soft.activeReference && refs.length) return new DeleteConflict(imageId, false, false, 'image is referenced in multiple repositories');
  if (soft.stopped && user) return new DeleteConflict(imageId, false, true, `image is being used by stopped container ${shortId(user.id)}`);
  return undefined;
}

/** One tag at most, and any digest references of that same repository. */
export function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const tags = refs.filter((r) => !r.includes('@'));
  if (tags.length > 1) return false;
  const digestRepos = new Set(refs.filter((r) => r.includes('@')).map(repositoryOf));
  const single = tags[0] ?? refs[0]!;
  return digestRepos.size === 1 && digestRepos.has(repositoryOf(single));
}

export function isImageIdPrefix(imageId: string, candidate: string): boolean {
  return imageId.startsWith(candidate) || imageId.slice(imageId.indexOf(':') + 1).startsWith(candidate);
}

/** "busybox:latest" -> "busybox", "localhost:5000/app@sha256:…" -> "localhost:5000/app". */
function repositoryOf(familiar: string): string {
  const at = familiar.indexOf('@');
  const name = at >= 0 ? familiar.slice(0, at) : familiar;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

function shortHex(imageId: string): string {
  return shortId(imageId.slice(imageId.indexOf(':') + 1));
}
