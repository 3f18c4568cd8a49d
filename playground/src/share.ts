/**
 * Sharing a spec by URL: the text is deflated (the browser's CompressionStream, no library) and written as
 * base64url into the fragment, `#spec=…`. The fragment never reaches a server.
 */
const PREFIX = '#spec=';

async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array<ArrayBuffer>> {
  const piped = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** The fragment that carries `source`. */
export async function encodeFragment(source: string): Promise<string> {
  const deflated = await pipe(new TextEncoder().encode(source), new CompressionStream('deflate-raw'));
  return `${PREFIX}${toBase64Url(deflated)}`;
}

/** The spec in a fragment made by `encodeFragment`, or null when the fragment carries none (or a damaged one). */
export async function decodeFragment(fragment: string): Promise<string | null> {
  if (!fragment.startsWith(PREFIX)) return null;
  try {
    const inflated = await pipe(fromBase64Url(fragment.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
    return new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return null;
  }
}
