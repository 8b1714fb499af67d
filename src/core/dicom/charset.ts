// Placeholder until the charset module lands: ASCII/UTF-8 only.
export function decodeText(bytes: Uint8Array, _charsets: readonly string[]): string {
  return new TextDecoder('utf-8').decode(bytes);
}
