/**
 * .npy files: what saveNpy writes is read back, value for value and bit for
 * bit, by numpy (when Python has it), by npyjs and by a preamble parser of
 * this spec; what numpy writes is read by loadNpy; damaged and foreign files
 * are refused with a DataFileError naming the file and the fix.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'npyjs';
import { DataFileError, InputDataError, Recording, loadNpy, saveNpy, type NumericArray } from '../../lib/index.js';
import { rejects, temporaryFolder } from '../support.js';
import { hasPython, hex, needsPython, npyPreamble, numpyReads, ownBuffer, python, samples } from './independent.js';

const DESCR = { float64: '<f8', float32: '<f4', int32: '<i4', uint8: '|u1', int64: '<i8' } as const;

describe('io/npy', () => {
  const folder = temporaryFolder('neural-npy-');
  const file = (name: string) => join(folder(), name);

  /** Checks the preamble of a file saveNpy wrote: magic, version, 64-byte alignment, the header's newline. */
  function checkPreamble(path: string, version = 1): string {
    const bytes = readFileSync(path);
    const p = npyPreamble(bytes);
    expect(p.version, 'version').to.equal(version);
    expect(bytes[7], 'minor version').to.equal(0);
    expect(p.dataOffset % 64, 'values aligned to 64 bytes').to.equal(0);
    expect(p.header.endsWith('\n'), 'header ends in a newline').to.equal(true);
    return p.header;
  }

  describe('saveNpy, read by others', () => {
    for (const [dtype, values] of Object.entries(samples()) as [keyof typeof DESCR, NumericArray][]) {
      it(`${dtype}: npyjs and the preamble agree, and loadNpy returns the same bits`, async () => {
        const path = file(`${dtype}.npy`);
        await saveNpy(path, values);
        const header = checkPreamble(path);
        expect(header.trimEnd()).to.equal(`{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${values.length},), }`);
        const other = parse(ownBuffer(readFileSync(path)));
        expect(other.dtype).to.equal(DESCR[dtype].slice(1));
        expect(other.shape).to.deep.equal([values.length]);
        expect(other.fortranOrder).to.equal(false);
        expect(hex(other.data as NumericArray)).to.equal(hex(values));
        const back = await loadNpy(path);
        expect(back.dtype).to.equal(dtype);
        expect(back.shape).to.deep.equal([values.length]);
        expect(back.data.constructor).to.equal(values.constructor);
        expect(hex(back.data as NumericArray)).to.equal(hex(values));
      });
    }

    it('numpy reads every dtype with its type, shape and bits', async function () {
      needsPython(this, 'numpy');
      for (const [dtype, values] of Object.entries(samples()) as [keyof typeof DESCR, NumericArray][]) {
        const path = file(`np-${dtype}.npy`);
        await saveNpy(path, values, [2, 5]);
        const seen = numpyReads(path)[''];
        expect(seen, dtype).to.deep.equal({ descr: DESCR[dtype], shape: [2, 5], hex: hex(values), list: null });
      }
    });

    it('shapes: 0-d, 1-d, 3-d, zero-sized and { data, shape } round-trip through numpy and loadNpy', async function () {
      const cases: [string, NumericArray, number[] | undefined, number[]][] = [
        ['scalar', Float64Array.of(2.5), [], []],
        ['vector', Int32Array.of(1, 2, 3), undefined, [3]],
        ['cube', Float32Array.from({ length: 24 }, (_, i) => i / 7), [2, 3, 4], [2, 3, 4]],
        ['no-rows', new Float64Array(0), [0, 3], [0, 3]],
        ['empty', new Uint8Array(0), undefined, [0]],
      ];
      for (const [name, values, shape, expected] of cases) {
        const path = file(`${name}.npy`);
        await saveNpy(path, values, shape);
        checkPreamble(path);
        const back = await loadNpy(path);
        expect(back.shape, name).to.deep.equal(expected);
        expect(hex(back.data as NumericArray), name).to.equal(hex(values));
      }
      await saveNpy(file('pair.npy'), { data: Float64Array.of(1, 2, 3, 4, 5, 6), shape: [3, 2] });
      expect((await loadNpy(file('pair.npy'))).shape).to.deep.equal([3, 2]);
      if (!hasPython('numpy')) return;
      for (const [name, values, , expected] of cases) {
        const seen = numpyReads(file(`${name}.npy`))[''];
        expect([seen.shape, seen.hex], name).to.deep.equal([expected, hex(values)]);
      }
    });

    it('a float32 recording stays float32, rows × units', async function () {
      const r = new Recording('v', Float32Array.of(1, 2, 3, 4, 5, Math.fround(0.1)), 3, 1, 1e-4);
      await saveNpy(file('rec.npy'), r);
      const back = await loadNpy(file('rec.npy'));
      expect([back.dtype, back.shape]).to.deep.equal(['float32', [2, 3]]);
      expect(hex(back.data as NumericArray)).to.equal(hex(r.data));
      needsPython(this, 'numpy');
      expect(numpyReads(file('rec.npy'))[''].descr).to.equal('<f4');
    });

    it('strings are <U (UTF-32 code points, so a character outside the BMP is one), read by numpy and loadNpy', async function () {
      const words = ['v', 'héllo', '𝄞 clef', ''];
      await saveNpy(file('words.npy'), words);
      expect(checkPreamble(file('words.npy'))).to.include("'descr': '<U6'");
      expect(await loadNpy(file('words.npy'))).to.deep.equal({ dtype: 'string', data: words, shape: [4] });
      needsPython(this, 'numpy');
      expect(numpyReads(file('words.npy'))['']).to.deep.include({ descr: '<U6', shape: [4], list: words });
    });

    it('a header over 64 KiB is written as version 2.0 (32-bit length), read by loadNpy and the preamble parser', async () => {
      // 30,000 axes of length 1: numpy itself refuses more than 64 axes, so only the readers here check it.
      const shape = new Array<number>(30_000).fill(1);
      await saveNpy(file('wide.npy'), Float64Array.of(42), shape);
      const header = checkPreamble(file('wide.npy'), 2);
      expect(header.length).to.be.greaterThan(0xffff);
      const back = await loadNpy(file('wide.npy'));
      expect(back.shape).to.deep.equal(shape);
      expect(Array.from(back.data as Float64Array)).to.deep.equal([42]);
      await saveNpy(file('narrow.npy'), new Float64Array(0), new Array<number>(64).fill(0));
      checkPreamble(file('narrow.npy'), 1);
    });
  });

  describe('loadNpy, files numpy wrote', () => {
    before(function () {
      needsPython(this, 'numpy');
    });

    it('C and Fortran order, versions 1.0 to 3.0, every dtype read, 0-d and empty arrays', async () => {
      const written = python<Record<string, { hex: string | null; list: unknown; shape: number[] }>>(
        `import sys, json, numpy as np, numpy.lib.format as fmt
d = sys.argv[1]
cases = {
  'c2': np.arange(12.).reshape(3, 4) / 7,
  'f3': np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4)),
  't2': (np.arange(6, dtype=np.float32).reshape(2, 3) + 0.5).T,
  'u1': np.array([[0, 255], [7, 8]], dtype=np.uint8),
  'i8': np.array([-2**63, 2**63 - 1, 5], dtype=np.int64),
  'z0': np.float64(np.pi),
  'e0': np.zeros((0, 5), dtype=np.float32),
}
out = {}
for k, a in cases.items():
    np.save(f'{d}/py-{k}.npy', a)
    out[k] = {'hex': np.ascontiguousarray(a).tobytes().hex(), 'list': None, 'shape': list(np.shape(a))}
for v in [(2, 0), (3, 0)]:
    a = np.array(['ünï', 'code'])
    with open(f'{d}/py-v{v[0]}.npy', 'wb') as f: fmt.write_array(f, a, version=v)
    out[f'v{v[0]}'] = {'hex': None, 'list': a.tolist(), 'shape': [2]}
print(json.dumps(out))`,
        folder(),
      );
      for (const [name, want] of Object.entries(written)) {
        const back = await loadNpy(file(`py-${name}.npy`));
        expect(back.shape, name).to.deep.equal(want.shape);
        if (want.hex === null) expect(back.data, name).to.deep.equal(want.list);
        else expect(hex(back.data as NumericArray), name).to.equal(want.hex);
      }
      expect((await loadNpy(file('py-f3.npy'))).dtype).to.equal('int32');
      expect((await loadNpy(file('py-t2.npy'))).dtype).to.equal('float32');
    });

    it('big-endian, bool, object, complex and structured arrays are refused, each with how to save it instead', async () => {
      python(
        `import sys, json, numpy as np
d = sys.argv[1]
np.save(f'{d}/py-be.npy', np.arange(3, dtype='>f8'))
np.save(f'{d}/py-bool.npy', np.array([True, False]))
np.save(f'{d}/py-obj.npy', np.array([{}, 1], dtype=object), allow_pickle=True)
np.save(f'{d}/py-c16.npy', np.array([1j]))
np.save(f'{d}/py-rec.npy', np.zeros(2, dtype=[('a', '<f8'), ('b', '<i4')]))
print('{}')`,
        folder(),
      );
      const where = (name: string) => `loadNpy('${file(name)}')`;
      await rejects(() => loadNpy(file('py-be.npy')), DataFileError, { where: where('py-be.npy'), message: "big-endian values ('>f8')", fix: /newbyteorder\('<'\)/ });
      await rejects(() => loadNpy(file('py-bool.npy')), DataFileError, { message: "type '|b1'", fix: /astype\(np\.uint8\)/ });
      await rejects(() => loadNpy(file('py-obj.npy')), DataFileError, { message: "type '|O'", fix: 'Save numbers, not Python objects.' });
      await rejects(() => loadNpy(file('py-c16.npy')), DataFileError, { message: "type '<c16'", fix: /astype\(np\.float64\)/ });
      await rejects(() => loadNpy(file('py-rec.npy')), DataFileError, { message: 'structured array', fix: /np\.savez/ });
    });
  });

  describe('refusals', () => {
    const good = () => {
      const bytes = readFileSync(file('good.npy'));
      return new Uint8Array(bytes);
    };
    before(async () => {
      await saveNpy(file('good.npy'), Float64Array.of(1, 2, 3, 4), [2, 2]);
    });

    it('damaged files: cut short, extra bytes, a broken header, a wrong dict, an unknown version', async () => {
      const bytes = good();
      const header = npyPreamble(bytes).header;
      const variants: [string, Uint8Array, RegExp][] = [
        ['short', bytes.subarray(0, bytes.length - 1), /needs 32 bytes of values but 31 follow the header/],
        ['long', Buffer.concat([bytes, Buffer.from([0])]), /needs 32 bytes of values but 33 follow the header/],
        ['preamble', bytes.subarray(0, 9), /inside the preamble/],
        ['header-cut', bytes.subarray(0, 40), /header is 118 bytes long but the file ends 30 bytes after the preamble/],
        ['no-brace', Buffer.from(bytes).fill(0x20, 10, 11), /'\{' expected at character \d+ of the header/],
        ['text-after', Buffer.concat([bytes.subarray(0, 10 + header.length - 2), Buffer.from('x\n'), bytes.subarray(10 + header.length)]), /text follows the header dict/],
        ['keys', Buffer.from(Buffer.from(bytes).toString('latin1').replace("'shape'", "'shapr'"), 'latin1'), /holds descr, fortran_order, shapr rather than/],
        ['shape', Buffer.from(Buffer.from(bytes).toString('latin1').replace('(2, 2)', '(2, x)'), 'latin1'), /a whole number expected/],
      ];
      for (const [name, content, message] of variants) {
        writeFileSync(file(`bad-${name}.npy`), content);
        await rejects(() => loadNpy(file(`bad-${name}.npy`)), DataFileError, { where: `loadNpy('${file(`bad-${name}.npy`)}')`, message, fix: /np\.save/ }, name);
      }
      const v9 = Buffer.from(bytes);
      v9[6] = 9;
      writeFileSync(file('bad-version.npy'), v9);
      await rejects(() => loadNpy(file('bad-version.npy')), DataFileError, { message: 'is .npy version 9.0, which is not read', fix: /versions 1\.0 to 3\.0/ });
    });

    it('foreign files name their format and the call that reads them', async () => {
      writeFileSync(file('zip.npy'), Buffer.from('PK\x03\x04rest of a zip', 'latin1'));
      await rejects(() => loadNpy(file('zip.npy')), DataFileError, { message: 'is a zip archive (.npz), not an .npy file', fix: 'Read it with loadNpz, or pass an .npy file.' });
      writeFileSync(file('text.npy'), 'hello');
      await rejects(() => loadNpy(file('text.npy')), DataFileError, { message: 'does not start with its signature: it is not an .npy file', fix: /may be damaged/ });
      writeFileSync(file('empty.npy'), '');
      await rejects(() => loadNpy(file('empty.npy')), DataFileError, { message: 'is empty: it is not an .npy file' });
      await rejects(() => loadNpy(file('missing.npy')), DataFileError, { message: 'cannot be read (ENOENT', fix: 'Check the path: no file is there.' });
      await rejects(() => loadNpy(folder()), DataFileError, { message: 'cannot be read (EISDIR', fix: 'Check that the path is a readable file.' });
    });

    it('wrong arguments are InputDataErrors; an unwritable path is a DataFileError and leaves no file behind', async () => {
      await rejects(() => saveNpy(file('x.txt'), Float64Array.of(1)), InputDataError, { where: 'saveNpy', message: "ends in '.txt', not '.npy'", fix: "End the path in '.npy'." });
      await rejects(() => saveNpy('', Float64Array.of(1)), InputDataError, { message: "path is '' (a string)." });
      await rejects(() => saveNpy(file('x.npy'), [1, 2] as never), InputDataError, { message: 'array is [1,2].', fix: /Float64Array\.from\(values\)/ });
      await rejects(() => saveNpy(file('x.npy'), new Uint16Array(2) as never), InputDataError, { message: 'Uint16Array of length 2' });
      await rejects(() => saveNpy(file('x.npy'), Float64Array.of(1, 2, 3), [2, 2]), InputDataError, { message: 'the shape [2, 2] of array holds 4 values but the array has 3.' });
      await rejects(() => saveNpy(file('x.npy'), Float64Array.of(1), [-1] as never), InputDataError, { fix: /whole numbers ≥ 0/ });
      await rejects(() => loadNpy(42 as never), InputDataError, { where: 'loadNpy', message: 'path is 42.' });
      expect(existsSync(file('x.npy'))).to.equal(false);
      writeFileSync(file('plain'), 'a file, not a folder');
      await rejects(() => saveNpy(join(file('plain'), 'x.npy'), Float64Array.of(1)), DataFileError, { where: `saveNpy('${join(file('plain'), 'x.npy')}')`, message: /cannot be written \((EEXIST|ENOTDIR)/, fix: /writable/ });
      mkdirSync(file('taken.npy'));
      await rejects(() => saveNpy(file('taken.npy'), Float64Array.of(1)), DataFileError, { message: /'.*taken\.npy' cannot be written \(EISDIR/ });
      expect(readdirSync(folder()).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });
  });
});
