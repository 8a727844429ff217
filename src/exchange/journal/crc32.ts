import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the checksum zlib and PNG use) of the
 * UTF-8 bytes of `text`, as 8 lowercase hex digits: Node's own zlib.crc32 (Node 20.15+).
 * Lone surrogates count as U+FFFD, as Buffer.from would.
 */
export function crc32(text: string): string {
  return zlibCrc32(text).toString(16).padStart(8, '0');
}
