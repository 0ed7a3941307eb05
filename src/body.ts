/**
 * Reads a request's or response's body no further than `max` bytes. Every body helixkit takes
 * from the network comes through here, so no server can make it buffer without bound.
 */

/**
 * The body, as a Blob of the bytes read; 413 when it is (or its `Content-Length` says it is)
 * larger than `max`, reading no further; 400 when `Content-Length` is not a plain count of bytes.
 * `copy` reads a clone (made only once the length passed) and leaves the original unread.
 */
export async function readBody(message: Request | Response, max: number, copy?: boolean): Promise<Blob | 400 | 413> {
  const declared = message.headers.get('Content-Length') ?? '0';
  // Number() would take '1e3', '0x10', '' or '-1'; HTTP takes digits only.
  if (!/^\d+$/.test(declared)) return 400;
  if (Number(declared) > max) return 413;
  const reader = (copy ? message.clone() : message).body?.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    if ((max -= read.value.byteLength) < 0) {
      reader!.cancel().catch(() => undefined);
      return 413;
    }
    chunks.push(read.value);
  }
  return new Blob(chunks);
}

/**
 * The body as text, or undefined once it passes `max` bytes (read no further). For answers whose
 * bytes are not needed, it decodes as it reads and keeps no chunks.
 */
export async function readText(message: Request | Response, max: number): Promise<string | undefined> {
  // (No body reads as '': the loop does not start.)
  const reader = message.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (let read; reader && !(read = await reader.read()).done; ) {
    if ((max -= read.value.byteLength) < 0) {
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(read.value, { stream: true });
  }
  return text + decoder.decode();
}
