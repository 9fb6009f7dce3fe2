/**
 * NumPy's `.npy` format: a short text header (a Python dict literal with the
 * element type, the order and the shape) and the raw values.
 *
 * Written by hand: the format is a few dozen bytes of header
 * (numpy.lib.format, NEP 1), and the one npm package that writes it (npyjs)
 * needs a fetch polyfill at run time, aligns the data to 8 bytes rather than
 * numpy's 64, always writes version 1.0 (its 16-bit header length overflows
 * silently), and its reader does not check the shape against the bytes in
 * the file, so a file cut short is not noticed.
 */
import { DataFileError, InputDataError, describeValue } from '../errors.js';
import { ARRAY_FIX, DTYPES, checkPath, dtypeOf, foreignFile, readBytes, startsWith, writeParts, type NumericArray, type NumericDtype, type TypedColumn } from './files.js';

/** An n-dimensional array as a file holds it: row-major (C order) values, their shape and dtype. */
export type NpyArray = (TypedColumn | { dtype: 'string'; data: string[] }) & { shape: number[] };

/**
 * What {@link saveNpy} and {@link saveNpz} write: a typed array (1-D unless
 * a shape is given), an array of strings (numpy's `<U`), or row-major values
 * with their shape (a {@link Recording} is one: rows × units).
 */
export type ArrayInput = NumericArray | readonly string[] | { readonly data: NumericArray | readonly string[]; readonly shape: readonly number[] };

const MAGIC = '\x93NUMPY';
/** numpy aligns the data to 64 bytes (numpy.lib.format.ARRAY_ALIGN). */
const ALIGN = 64;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The `descr` of each dtype, as numpy writes it. */
const DESCR: { readonly [D in NumericDtype]: string } = { float64: '<f8', float32: '<f4', int32: '<i4', uint8: '|u1', int64: '<i8' };
const SUPPORTED = "'<f8', '<f4', '<i4', '|u1', '<i8' or '<U' (strings)";

/** An array to write: its values as bytes (or strings), its dtype and shape. */
interface Checked {
  dtype: NumericDtype | 'string';
  data: NumericArray | readonly string[];
  shape: number[];
}

/**
 * Checks what a save function was given: a supported array, and a shape of
 * whole numbers whose product is its length.
 * @throws {@link InputDataError}
 */
export function checkArrayInput(where: string, what: string, array: unknown, shape?: unknown): Checked {
  let data: unknown = array;
  let given: unknown = shape;
  if (array !== null && typeof array === 'object' && !Array.isArray(array) && !dtypeOf(array) && 'data' in array && 'shape' in array) {
    data = (array as { data: unknown }).data;
    given = shape ?? (array as { shape: unknown }).shape;
  }
  let dtype: NumericDtype | 'string' | undefined = dtypeOf(data);
  if (!dtype && Array.isArray(data) && data.every((s) => typeof s === 'string')) dtype = 'string';
  if (!dtype) throw new InputDataError(where, `${what} is ${describeValue(data)}.`, `${ARRAY_FIX.slice(0, -1)}, an array of strings, or { data, shape }.`);
  const length = (data as ArrayLike<unknown>).length;
  if (given === undefined) return { dtype, data: data as Checked['data'], shape: [length] };
  const dims = Array.isArray(given) ? (given as unknown[]) : [];
  if (!Array.isArray(given) || !dims.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    throw new InputDataError(where, `the shape of ${what} is ${describeValue(given)}.`, 'Pass the shape as an array of whole numbers ≥ 0, e.g. [rows, units].');
  }
  const size = (dims as number[]).reduce((a, b) => a * b, 1);
  if (size !== length) {
    throw new InputDataError(where, `the shape [${dims.join(', ')}] of ${what} holds ${size} values but the array has ${length}.`, 'Pass a shape whose product is the length of the array (row-major, C order).');
  }
  return { dtype, data: data as Checked['data'], shape: [...(dims as number[])] };
}

/** The header's shape tuple as Python writes it: `()`, `(3,)`, `(2, 3)`. */
function tuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * The preamble and header: version 1.0 (a 16-bit header length) while the
 * header fits, else 2.0 (32 bits), padded with spaces to a multiple of 64
 * bytes and ended by a newline, as numpy writes it.
 */
function header(descr: string, shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple(shape)}, }`;
  const padded = (preamble: number) => dict.length + 1 + ((ALIGN - ((preamble + dict.length + 1) % ALIGN)) % ALIGN);
  let version = 1;
  let length = padded(10);
  if (length > 0xffff) {
    version = 2;
    length = padded(12);
  }
  const preamble = version === 1 ? 10 : 12;
  const out = new Uint8Array(preamble + length).fill(0x20);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, length, true);
  else view.setUint32(8, length, true);
  for (let i = 0; i < dict.length; i++) out[preamble + i] = dict.charCodeAt(i);
  out[out.length - 1] = 0x0a;
  return out;
}

/** The values' bytes in little-endian order: a view of the array where the machine is little-endian, else a swapped copy. */
function littleEndianBytes(data: NumericArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = Buffer.from(bytes);
  return data.BYTES_PER_ELEMENT === 4 ? copy.swap32() : copy.swap64();
}

/** Strings as numpy's `<U{width}`: `width` UTF-32 code points each, padded with zeros. */
function encodeStrings(strings: readonly string[]): { descr: string; body: Uint8Array } {
  const points = strings.map((s) => Array.from(s, (c) => c.codePointAt(0) as number));
  const width = Math.max(1, ...points.map((p) => p.length));
  const body = new Uint8Array(strings.length * width * 4);
  const view = new DataView(body.buffer);
  points.forEach((p, i) => p.forEach((c, j) => view.setUint32((i * width + j) * 4, c, true)));
  return { descr: `<U${width}`, body };
}

/** An array as the bytes of an .npy file: the header, then the values. */
export function encodeNpy(array: Checked): [Uint8Array, Uint8Array] {
  if (array.dtype === 'string') {
    const { descr, body } = encodeStrings(array.data as readonly string[]);
    return [header(descr, array.shape), body];
  }
  return [header(DESCR[array.dtype], array.shape), littleEndianBytes(array.data as NumericArray)];
}

/** The header's dict, as read: `descr`, `fortran_order` and `shape`. */
interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
}

/**
 * Reads the header's Python dict literal (`{'descr': '<f8', 'fortran_order':
 * False, 'shape': (2, 3), }`) without evaluating anything: strings, `True`,
 * `False` and tuples of whole numbers (Python 2's `3L` too).
 */
function parseHeader(damaged: (what: string) => DataFileError, unsupported: (what: string, fix: string) => DataFileError, text: string): Header {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const expect = (c: string) => {
    space();
    if (text[i] !== c) throw damaged(`'${c}' expected at character ${i} of the header`);
    i++;
  };
  const string = (): string => {
    space();
    const quote = text[i];
    const end = quote === "'" || quote === '"' ? text.indexOf(quote, i + 1) : -1;
    if (end < 0) throw damaged(`a quoted string expected at character ${i} of the header`);
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): string | boolean | number[] => {
    space();
    if (text[i] === "'" || text[i] === '"') return string();
    for (const [word, v] of [['True', true], ['False', false]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    if (text[i] === '[') throw unsupported('holds a structured array (fields of several types)', "Save each field as an array of its own (np.savez(path, **{name: a[name] for name in a.dtype.names})).");
    if (text[i] !== '(') throw damaged(`a value expected at character ${i} of the header`);
    i++;
    const dims: number[] = [];
    for (;;) {
      space();
      if (text[i] === ')') break;
      const m = /^(\d+)L?/.exec(text.slice(i, i + 32));
      if (!m) throw damaged(`a whole number expected at character ${i} of the header`);
      dims.push(Number(m[1]));
      i += m[0].length;
      space();
      if (text[i] === ',') i++;
      else if (text[i] !== ')') throw damaged(`',' or ')' expected at character ${i} of the header`);
    }
    i++;
    return dims;
  };
  const dict = new Map<string, string | boolean | number[]>();
  expect('{');
  for (;;) {
    space();
    if (text[i] === '}') break;
    const key = string();
    expect(':');
    dict.set(key, value());
    space();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw damaged(`',' or '}' expected at character ${i} of the header`);
  }
  i++;
  space();
  if (i !== text.length) throw damaged('text follows the header dict');
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  const keys = [...dict.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape' || typeof descr !== 'string' || typeof fortran !== 'boolean' || !Array.isArray(shape)) {
    throw damaged(`the header dict holds ${keys || 'nothing'} rather than descr (a string), fortran_order (True or False) and shape (a tuple)`);
  }
  if (!shape.every((n) => Number.isSafeInteger(n))) throw damaged(`the shape (${shape.join(', ')}) holds a number too large`);
  return { descr, fortran, shape };
}

/** The dtype of a `descr`, or why it is not read. */
function dtypeOfDescr(descr: string, unsupported: (what: string, fix: string) => DataFileError): { dtype: NumericDtype | 'string'; size: number } {
  for (const [dtype, d] of Object.entries(DESCR) as [NumericDtype, string][]) {
    if (descr === d || (d === '|u1' && descr === '<u1')) return { dtype, size: DTYPES[dtype].bytes };
  }
  const text = /^<U(\d+)$/.exec(descr);
  if (text) return { dtype: 'string', size: 4 * Number(text[1]) };
  if (descr.startsWith('>') && descr.length > 2) {
    throw unsupported(`holds big-endian values ('${descr}')`, `Save it little-endian: np.save(path, a.astype(a.dtype.newbyteorder('<'))); ${SUPPORTED} are read.`);
  }
  const fix = descr === '|b1' ? 'Save booleans as uint8: np.save(path, a.astype(np.uint8)).' : descr.includes('O') ? 'Save numbers, not Python objects.' : `Convert it first, e.g. np.save(path, a.astype(np.float64)); ${SUPPORTED} are read.`;
  throw unsupported(`holds values of type '${descr}', which is not read`, fix);
}

/** The position in Fortran order of each element in C order, element by element, for a shape. */
function* fortranOffsets(shape: readonly number[], count: number): Generator<number> {
  const n = shape.length;
  const strides = shape.map((_, d) => shape.slice(0, d).reduce((a, b) => a * b, 1));
  const index = new Array<number>(n).fill(0);
  let offset = 0;
  for (let k = 0; k < count; k++) {
    yield offset;
    for (let d = n - 1; d >= 0; d--) {
      index[d]++;
      offset += strides[d];
      if (index[d] < shape[d]) break;
      offset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/**
 * Reads the bytes of an .npy file: versions 1.0, 2.0 and 3.0, in C or
 * Fortran order (Fortran order is turned into C order).
 * @param where - the call and the file, for messages
 * @param path - the file, for messages
 * @throws {@link DataFileError} for a damaged or foreign file, or values of a type that is not read
 */
export function decodeNpy(where: string, path: string, bytes: Uint8Array, call = 'loadNpy'): NpyArray {
  const damaged = (what: string) => new DataFileError(where, `'${path}' is damaged: ${what}.`, 'Write the file again (np.save); it is not a valid .npy file.');
  const unsupported = (what: string, fix: string) => new DataFileError(where, `'${path}' ${what}.`, fix);
  if (!startsWith(bytes, MAGIC)) throw foreignFile(where, path, bytes, 'an .npy file', call);
  if (bytes.length < 10) throw damaged(`it ends after ${bytes.length} bytes, inside the preamble`);
  const major = bytes[6];
  if (major < 1 || major > 3) throw unsupported(`is .npy version ${major}.${bytes[7]}, which is not read`, 'Save it with numpy (versions 1.0 to 3.0 are read).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const preamble = major === 1 ? 10 : 12;
  if (bytes.length < preamble) throw damaged(`it ends after ${bytes.length} bytes, inside the preamble`);
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (preamble + length > bytes.length) throw damaged(`its header is ${length} bytes long but the file ends ${bytes.length - preamble} bytes after the preamble`);
  const raw = bytes.subarray(preamble, preamble + length);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch (error) {
    throw new DataFileError(where, `'${path}' is damaged: its header is not UTF-8 text.`, 'Write the file again (np.save).', { cause: error });
  }
  const { descr, fortran, shape } = parseHeader(damaged, unsupported, text);
  const { dtype, size } = dtypeOfDescr(descr, unsupported);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = preamble + length;
  const have = bytes.length - start;
  if (!Number.isSafeInteger(count * size) || count * size !== have) {
    const want = Number.isSafeInteger(count * size) ? `${count * size} bytes` : 'more bytes than a file can hold';
    throw damaged(`its shape (${shape.join(', ')}) of '${descr}' needs ${want} of values but ${have} follow the header`);
  }
  // A copy, so that the values start at offset 0 of a buffer of their own (aligned for any typed array).
  const body = new Uint8Array(bytes.subarray(start));
  const order = fortran && shape.length > 1 ? fortranOffsets(shape, count) : undefined;
  if (dtype === 'string') {
    const width = size / 4;
    const points = new DataView(body.buffer);
    const strings = new Array<string>(count);
    const read = (k: number) => {
      let end = width;
      while (end > 0 && points.getUint32((k * width + end - 1) * 4, true) === 0) end--;
      const codes = Array.from({ length: end }, (_, j) => points.getUint32((k * width + j) * 4, true));
      if (codes.some((c) => c > 0x10ffff)) throw damaged(`string ${k} holds a code point above U+10FFFF`);
      return String.fromCodePoint(...codes);
    };
    if (order) {
      let k = 0;
      for (const f of order) strings[k++] = read(f);
    } else {
      for (let k = 0; k < count; k++) strings[k] = read(k);
    }
    return { dtype, data: strings, shape };
  }
  if (!LITTLE_ENDIAN && size === 4) Buffer.from(body.buffer).swap32();
  else if (!LITTLE_ENDIAN && size === 8) Buffer.from(body.buffer).swap64();
  let data: NumericArray = new DTYPES[dtype].of(body.buffer, 0, count);
  if (order) {
    const c = new DTYPES[dtype].of(count) as NumericArray;
    let k = 0;
    for (const f of order) c[k++] = data[f];
    data = c;
  }
  return { dtype, data, shape } as NpyArray;
}

/**
 * Writes an array as a NumPy `.npy` file (format version 1.0, or 2.0 for a
 * header over 64 KiB): little-endian, C order, the data aligned to 64 bytes,
 * as `np.save` writes it. `np.load(path)` reads it.
 * @param path - the file to write, ending in `.npy`; its folder is created;
 *   written to a temporary file first and renamed, so it is whole or absent
 * @param array - a Float64Array, Float32Array, Int32Array, Uint8Array or
 *   BigInt64Array (int64), an array of strings (`<U`), or `{ data, shape }`
 *   such as a {@link Recording} (rows × units)
 * @param shape - the shape, row-major (default: the array's own shape for
 *   `{ data, shape }`, else 1-D); `[]` writes a 0-d array (one value)
 * @throws {@link InputDataError} for a path not ending in `.npy`, an array of
 *   another kind, or a shape that does not match its length
 * @throws {@link DataFileError} when the file cannot be written
 * @example await saveNpy('out/v.npy', recording);   // np.load('out/v.npy'): rows × units
 */
export async function saveNpy(path: string, array: ArrayInput, shape?: readonly number[]): Promise<void> {
  const where = 'saveNpy';
  checkPath(where, path, ['.npy']);
  await writeParts(`${where}('${path}')`, path, encodeNpy(checkArrayInput(where, 'array', array, shape)));
}

/**
 * Reads a NumPy `.npy` file (versions 1.0, 2.0 and 3.0): float64, float32,
 * int32, uint8 and int64 (as a BigInt64Array) little-endian values, or
 * strings (`<U`). Values in Fortran order come back in C order.
 * @param path - the file
 * @returns the values (row-major), the shape and the dtype; `data` is a typed
 *   array of the dtype (`string[]` for strings) with a buffer of its own
 * @throws {@link InputDataError} for a path that is not a string
 * @throws {@link DataFileError} when the file cannot be read, is damaged or
 *   not an .npy file, or holds values of another type (big-endian, bool,
 *   complex, objects, structured arrays): the fix says how to save it instead
 * @example const { data, shape, dtype } = await loadNpy('v.npy');
 */
export async function loadNpy(path: string): Promise<NpyArray> {
  checkPath('loadNpy', path, []);
  const where = `loadNpy('${path}')`;
  return decodeNpy(where, path, await readBytes(where, path));
}
