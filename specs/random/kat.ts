/**
 * Known answers of Philox4x32-10, shared by the TypeScript and the C specs.
 *
 * From Random123 (D. E. Shaw Research, github.com/DEShawResearch/random123),
 * file `tests/kat_vectors`, the three lines `philox4x32 10 CTR KEY EXPECTED`:
 * the all-zero counter and key, the all-ones counter and key, and a counter
 * and key made of the first hexadecimal digits of π.
 */
export const PHILOX_KAT: readonly { ctr: readonly number[]; key: readonly number[]; expected: readonly number[] }[] = [
  { ctr: [0x00000000, 0x00000000, 0x00000000, 0x00000000], key: [0x00000000, 0x00000000], expected: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
  { ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff], expected: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
  { ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0], expected: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
];
