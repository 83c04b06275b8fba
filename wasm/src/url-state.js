// The playground's state in the URL fragment, so that a link reproduces it:
//   #ex=<example>                  an unmodified example
//   #v=<base64url(deflate-raw(values))>&set=<arg>&set=<arg>
// and the post-render preview's input:
//   &pr=<example>                  that example's `helm template` output
//   &m=<base64url(deflate-raw(manifests))>   pasted output
// The fragment never reaches a server.

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** base64url of the deflated UTF-8 text. */
export async function packText(text) {
  const raw = new TextEncoder().encode(text);
  return toBase64Url(await pipe(raw, new CompressionStream('deflate-raw')));
}

/** The text of `packText`'s output; throws on a damaged fragment. */
export async function unpackText(packed) {
  const bytes = await pipe(fromBase64Url(packed), new DecompressionStream('deflate-raw'));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * The fragment for a state. `preview` names the example whose Helm output is
 * the preview's input (omitted when it is `example`'s own); `manifests` is
 * pasted input (no example's).
 * @param {{example?: string|null, values: string, sets: string[], preview?: string|null, manifests?: string|null}} state
 */
export async function encodeState({ example, values, sets, preview = null, manifests = null }) {
  const params = new URLSearchParams();
  if (example) params.set('ex', example);
  else params.set('v', await packText(values));
  for (const s of sets) params.append('set', s);
  if (manifests !== null) params.set('m', await packText(manifests));
  else if (preview && preview !== example) params.set('pr', preview);
  return '#' + params.toString();
}

/**
 * The state in a fragment, or null when there is none.
 * @returns {Promise<{example: string|null, values: string|null, sets: string[], preview: string|null, manifests: string|null} | null>}
 */
export async function decodeState(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (!params.has('ex') && !params.has('v')) return null;
  return {
    example: params.get('ex'),
    values: params.has('v') ? await unpackText(params.get('v')) : null,
    sets: params.getAll('set'),
    preview: params.get('pr'),
    manifests: params.has('m') ? await unpackText(params.get('m')) : null,
  };
}
