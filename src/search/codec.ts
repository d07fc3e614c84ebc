// The posting-list encoding (one Redis string per term). A 4-byte big-endian header holds the
// last doc number, then one varint (7 bits a byte, low first) per posting of
// (delta << 2 | flags), flags TITLE and/or BODY. Most postings take one byte. The add script
// in store/search-index.ts appends in the same format in Lua; a test checks both agree.

/** Posting flag: the term is in the title. */
export const TITLE = 1;
/** Posting flag: the term is in the body text. */
export const BODY = 2;

/** Header bytes before the first posting. */
const HEADER = 4;
// A varint longer than this is corrupt: stop reading it rather than run past 2^53.
const MAX_VARINT_MULT = 2 ** 42;

/** Doc numbers (ascending) with a score each. */
export interface Postings {
  docs: Uint32Array;
  scores: Uint8Array;
}

export const NO_POSTINGS: Postings = { docs: new Uint32Array(0), scores: new Uint8Array(0) };

/** A posting list being encoded in memory (a rebuild builds every list at once). */
export interface ListBuilder {
  buf: Buffer;
  len: number;
  last: number;
}

export function createListBuilder(): ListBuilder {
  return { buf: Buffer.allocUnsafe(16), len: HEADER, last: 0 };
}

/** Appends one posting; `doc` must be above every doc appended before. */
export function appendPosting(list: ListBuilder, doc: number, flags: number): void {
  if (list.len + 8 > list.buf.length) {
    const bigger = Buffer.allocUnsafe(list.buf.length * 2);
    list.buf.copy(bigger, 0, 0, list.len);
    list.buf = bigger;
  }
  let v = (doc - list.last) * 4 + flags;
  while (v >= 128) {
    list.buf[list.len++] = (v % 128) + 128;
    v = Math.floor(v / 128);
  }
  list.buf[list.len++] = v;
  list.last = doc;
}

/** The encoded list, header written; a view of the builder's buffer. */
export function finishList(list: ListBuilder): Buffer {
  list.buf.writeUInt32BE(list.last, 0);
  return list.buf.subarray(0, list.len);
}

/** Encodes postings given in ascending doc order. */
export function encodePostings(postings: Iterable<{ doc: number; flags: number }>): Buffer {
  const list = createListBuilder();
  for (const { doc, flags } of postings) appendPosting(list, doc, flags);
  return finishList(list);
}

/** The last doc number, from the header; 0 for an empty or missing list. */
export function lastDoc(buf: Uint8Array | null | undefined): number {
  if (!buf || buf.length < HEADER) return 0;
  return new DataView(buf.buffer, buf.byteOffset, HEADER).getUint32(0);
}

/**
 * Decodes a posting list into scores: a surface list scores 4 (title) or 3 (body only), a stem
 * list 2 or 1. A truncated last varint is read as far as it goes; nothing here throws.
 */
export function decodePostings(buf: Uint8Array | null | undefined, surface: boolean): Postings {
  if (!buf || buf.length <= HEADER) return NO_POSTINGS;
  const end = buf.length;
  const docs = new Uint32Array(end - HEADER);
  const scores = new Uint8Array(end - HEADER);
  const inTitle = surface ? 4 : 2;
  const inBody = surface ? 3 : 1;
  let doc = 0;
  let n = 0;
  let i = HEADER;
  while (i < end) {
    let b = buf[i++] ?? 0;
    let v = b & 0x7f;
    let mult = 128;
    while (b & 0x80 && i < end && mult < MAX_VARINT_MULT) {
      b = buf[i++] ?? 0;
      v += (b & 0x7f) * mult;
      mult *= 128;
    }
    const flags = v % 4;
    doc += (v - flags) / 4;
    docs[n] = doc;
    scores[n] = flags & TITLE ? inTitle : inBody;
    n++;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** A doc's record ("sentAt:id"), what a search reads to rank and name a hit. */
export function encodeRecord(sentAt: number, id: string): string {
  return `${sentAt}:${id}`;
}

export function decodeRecord(record: string): { sentAt: number; id: string } {
  const colon = record.indexOf(':');
  return { sentAt: Number(record.slice(0, colon)), id: record.slice(colon + 1) };
}
