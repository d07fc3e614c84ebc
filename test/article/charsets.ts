// Test helper: single-byte encoders built by inverting TextDecoder over all 256 byte values,
// so the tests never depend on an encoder library (Node has none for these charsets).

export function singleByteEncoder(label: string): (text: string) => Uint8Array {
  const decoder = new TextDecoder(label);
  const table = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) {
    const char = decoder.decode(Uint8Array.of(byte));
    if (char !== '\ufffd' && !table.has(char)) table.set(char, byte);
  }
  return (text) =>
    Uint8Array.from(Array.from(text), (char) => {
      const byte = table.get(char);
      if (byte === undefined)
        throw new Error(`${label} cannot encode U+${char.codePointAt(0)?.toString(16)}`);
      return byte;
    });
}

/** A deterministic byte stream (xorshift32), for "random" junk that is the same on every run. */
export function pseudoRandomBytes(length: number, seed = 0x12345678): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
