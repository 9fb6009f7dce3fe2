/**
 * Readers for the io specs that share no code with lib/io: Python (numpy,
 * pyarrow, pandas) in a child process when it is installed, a zip reader
 * over node:zlib, and a parser of .npy preambles. Set NEURAL_PYTHON to the
 * Python to use (default `python3`).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { crc32, inflateRawSync } from 'node:zlib';
import type { NumericArray } from '../../lib/index.js';
import { skipBecause } from '../support.js';

/** The Python the specs run. */
export const PYTHON = process.env.NEURAL_PYTHON || 'python3';

const found = new Map<string, string | undefined>();

/** Why `modules` cannot be imported by {@link PYTHON}, or undefined when they can. */
function missing(modules: readonly string[]): string | undefined {
  const key = modules.join(',');
  if (!found.has(key)) {
    const r = spawnSync(PYTHON, ['-c', `import ${key}`], { encoding: 'utf8' });
    found.set(key, r.status === 0 ? undefined : `${PYTHON} cannot import ${modules.join(' and ')} (${(r.error?.message ?? r.stderr.trim().split('\n').pop() ?? '').slice(0, 120)}); set NEURAL_PYTHON to a Python that has them`);
  }
  return found.get(key);
}

/** Skips the test or block unless {@link PYTHON} imports every module of `modules`. */
export function needsPython(context: Mocha.Context, ...modules: string[]): void {
  const why = missing(modules);
  if (why) skipBecause(context, why);
}

/** True when {@link PYTHON} imports every module of `modules`. */
export function hasPython(...modules: string[]): boolean {
  return missing(modules) === undefined;
}

/** Runs a Python script with arguments; returns what it prints, parsed as JSON. */
export function python<T = unknown>(script: string, ...args: string[]): T {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, `python failed:\n${r.stderr}`).to.equal(0);
  return JSON.parse(r.stdout) as T;
}

/** A typed array's bytes in hex, little-endian (the machine's order here). */
export function hex(array: NumericArray | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex');
}

/**
 * numpy's view of every array of an .npy or .npz file: `descr`, shape, and
 * the values in C order as hex bytes (or as a list, for strings).
 */
export function numpyReads(path: string): Record<string, { descr: string; shape: number[]; hex: string | null; list: unknown }> {
  return python(
    `import sys, json, numpy as np
f = np.load(sys.argv[1], allow_pickle=False)
items = [(k, f[k]) for k in f.files] if hasattr(f, 'files') else [('', f)]
out = {}
for k, a in items:
    text = a.dtype.kind == 'U'
    out[k] = {'descr': a.dtype.str, 'shape': list(a.shape), 'hex': None if text else np.ascontiguousarray(a).tobytes().hex(), 'list': a.tolist() if text else None}
print(json.dumps(out))`,
    path,
  );
}

/** The preamble of an .npy file, read here: version, header length, where the values start, and the header text. */
export function npyPreamble(bytes: Uint8Array): { version: number; headerLength: number; dataOffset: number; header: string } {
  expect(Buffer.from(bytes.subarray(0, 6)).toString('latin1'), 'magic').to.equal('\x93NUMPY');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[6];
  const headerLength = version === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = (version === 1 ? 10 : 12) + headerLength;
  return { version, headerLength, dataOffset, header: Buffer.from(bytes.subarray(dataOffset - headerLength, dataOffset)).toString('latin1') };
}

/** One file of a zip archive, read here: its method (0 stored, 8 deflated) and its bytes, the CRC checked. */
export interface ZipEntry {
  method: number;
  data: Uint8Array;
}

/** The files of a zip archive, read through its central directory with node:zlib (no ZIP64). */
export function unzip(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  expect(view.getUint32(end, true), 'end of central directory').to.equal(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const out = new Map<string, ZipEntry>();
  for (let k = 0; k < count; k++) {
    expect(view.getUint32(at, true), 'central directory entry').to.equal(0x02014b50);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    expect(view.getUint32(local, true), 'local header').to.equal(0x04034b50);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + size);
    const data = method === 8 ? new Uint8Array(inflateRawSync(raw)) : raw;
    expect(crc32(data), `CRC of ${name}`).to.equal(crc);
    out.set(name, { method, data });
  }
  return out;
}

/** An ArrayBuffer of its own with the bytes of `bytes`. */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Values of each dtype with the edge cases a format must keep bit for bit (NaN, −0, infinities, subnormals, extremes). */
export function samples(): Record<'float64' | 'float32' | 'int32' | 'uint8' | 'int64', NumericArray> {
  return {
    float64: Float64Array.of(0.1, -0, Number.NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, -1e-300, 1 / 3, 2 ** 53 + 2),
    float32: Float32Array.of(0.1, -0, Number.NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, Math.fround(1 / 3), -2.5, 16777216),
    int32: Int32Array.of(0, -1, 1, 2147483647, -2147483648, 123456789, -987654321, 7, 8, 9),
    uint8: Uint8Array.of(0, 1, 2, 127, 128, 254, 255, 42, 43, 44),
    int64: BigInt64Array.of(0n, -1n, 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -123456789012345n, 7n, 8n, 9n),
  };
}
