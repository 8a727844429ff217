/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum zlib and PNG use. */
const TABLE = buildTable();

function buildTable(): Int32Array {
  const table = new Int32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let c = byte;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[byte] = c;
  }
  return table;
}

/**
 * Checksum of the UTF-8 bytes of `text` as 8 lowercase hex digits. The string is encoded on
 * the fly rather than through a Buffer because the journal checksums every line it writes,
 * and most lines are plain ASCII. Lone surrogates count as U+FFFD, as Buffer.from would.
 */
export function crc32(text: string): string {
  let crc = -1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      crc = TABLE[(crc ^ code) & 0xff] ^ (crc >>> 8);
      continue;
    }
    if (code < 0x800) {
      crc = TABLE[(crc ^ (0xc0 | (code >> 6))) & 0xff] ^ (crc >>> 8);
      crc = TABLE[(crc ^ (0x80 | (code & 0x3f))) & 0xff] ^ (crc >>> 8);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        crc = TABLE[(crc ^ (0xf0 | (code >> 18))) & 0xff] ^ (crc >>> 8);
        crc = TABLE[(crc ^ (0x80 | ((code >> 12) & 0x3f))) & 0xff] ^ (crc >>> 8);
        crc = TABLE[(crc ^ (0x80 | ((code >> 6) & 0x3f))) & 0xff] ^ (crc >>> 8);
        crc = TABLE[(crc ^ (0x80 | (code & 0x3f))) & 0xff] ^ (crc >>> 8);
        continue;
      }
      code = 0xfffd;
    }
    crc = TABLE[(crc ^ (0xe0 | (code >> 12))) & 0xff] ^ (crc >>> 8);
    crc = TABLE[(crc ^ (0x80 | ((code >> 6) & 0x3f))) & 0xff] ^ (crc >>> 8);
    crc = TABLE[(crc ^ (0x80 | (code & 0x3f))) & 0xff] ^ (crc >>> 8);
  }
  return ((crc ^ -1) >>> 0).toString(16).padStart(8, '0');
}
