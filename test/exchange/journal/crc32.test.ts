import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/exchange/journal/crc32.ts';

// Bit-at-a-time CRC-32 over Node's own UTF-8 encoding: slow but obviously right.
function referenceCrc32(text: string): string {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

describe('crc32', () => {
  it.each([
    ['123456789', 'cbf43926'],
    ['', '00000000'],
    ['a', 'e8b7be43'],
    ['The quick brown fox jumps over the lazy dog', '414fa339'],
    // Values of the hand-written table CRC the journal used before zlib.crc32: journals written
    // by it must still read back, so the checksum of any line is byte for byte the same.
    ['[7,1700000000123,{"op":"cancel","account":"maker","clientOrderId":"c1"}]', 'e49dd1e4'],
    ['\ud800', '8b7233c9'],
    ['a\udc00b', 'd0b99122'],
    ['\ud83d\ude00', '054db544'],
    ['é€😀\udbff', 'a0dbe17a'],
    ['x'.repeat(1000), '3b41c9e6'],
    ['ñ'.repeat(300), '52993ee9'],
  ])('crc32(%j) is %s', (text, expected) => {
    expect(crc32(text)).toBe(expected);
  });

  it('checksums the UTF-8 bytes of any string, astral characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
        expect(crc32(text)).toBe(referenceCrc32(text));
      }),
    );
  });

  it('treats lone surrogates as U+FFFD, like Buffer.from', () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 16 }), (text) => {
        expect(crc32(text)).toBe(referenceCrc32(text));
      }),
    );
    expect(crc32('\ud800')).toBe(referenceCrc32('\ufffd'));
    expect(crc32('a\udc00b')).toBe(referenceCrc32('a\ufffdb'));
  });
});
