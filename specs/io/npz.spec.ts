/**
 * .npz files: what saveNpz writes is read back by numpy (when Python has
 * it) and by a zip reader over node:zlib with npyjs for each array, with the
 * zip's CRCs checked; what numpy writes (np.savez, np.savez_compressed) is
 * read by loadNpz; damaged and foreign archives are refused.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'npyjs';
import { DataFileError, InputDataError, loadNpz, saveNpz, type NumericArray } from '../../lib/index.js';
import { rejects, temporaryFolder } from '../support.js';
import { hex, needsPython, numpyReads, ownBuffer, python, samples, unzip } from './independent.js';

describe('io/npz', () => {
  const folder = temporaryFolder('neural-npz-');
  const file = (name: string) => join(folder(), name);
  const arrays = () => ({
    ...samples(),
    matrix: { data: Float32Array.from({ length: 12 }, (_, i) => i / 3), shape: [3, 4] },
    scalar: { data: Float64Array.of(1e-4), shape: [] },
    words: { data: ['trace', 'sum'], shape: [2] },
    none: new Int32Array(0),
  });

  for (const compress of [false, true]) {
    describe(compress ? 'compressed (deflate)' : 'stored', () => {
      const name = compress ? 'deflated.npz' : 'stored.npz';
      before(async () => {
        await saveNpz(file(name), arrays(), { compress });
      });

      it('is a zip of one .npy per array that node:zlib and npyjs read, CRCs checked', () => {
        const bytes = readFileSync(file(name));
        expect(bytes.subarray(0, 4).toString('latin1')).to.equal('PK\x03\x04');
        const entries = unzip(bytes);
        expect([...entries.keys()]).to.deep.equal(Object.keys(arrays()).map((k) => `${k}.npy`));
        for (const [key, value] of Object.entries(arrays())) {
          const entry = entries.get(`${key}.npy`)!;
          expect(entry.method, key).to.equal(compress ? 8 : 0);
          const other = parse(ownBuffer(entry.data));
          const data = 'data' in value ? value.data : value;
          if (Array.isArray(data)) expect(other.data, key).to.deep.equal(data);
          else expect(hex(other.data as NumericArray), key).to.equal(hex(data as NumericArray));
          expect(other.shape, key).to.deep.equal('shape' in value ? value.shape : [(value as NumericArray).length]);
        }
      });

      it('loadNpz returns every array with its dtype, shape and bits', async () => {
        const back = await loadNpz(file(name));
        expect(Object.keys(back)).to.deep.equal(Object.keys(arrays()));
        for (const [key, value] of Object.entries(arrays())) {
          const data = 'data' in value ? value.data : value;
          expect(back[key].shape, key).to.deep.equal('shape' in value ? value.shape : [(value as NumericArray).length]);
          if (Array.isArray(data)) expect(back[key].data, key).to.deep.equal(data);
          else expect(hex(back[key].data as NumericArray), key).to.equal(hex(data as NumericArray));
        }
        expect(back.matrix.dtype).to.equal('float32');
        expect(back.int64.data).to.be.instanceOf(BigInt64Array);
      });

      it('numpy reads every array', function () {
        needsPython(this, 'numpy');
        const seen = numpyReads(file(name));
        expect(Object.keys(seen)).to.deep.equal(Object.keys(arrays()));
        expect(seen.float32).to.deep.equal({ descr: '<f4', shape: [10], hex: hex(samples().float32), list: null });
        expect(seen.int64.hex).to.equal(hex(samples().int64));
        expect(seen.matrix).to.deep.include({ descr: '<f4', shape: [3, 4], hex: hex(arrays().matrix.data) });
        expect(seen.scalar).to.deep.include({ descr: '<f8', shape: [] });
        expect(seen.words).to.deep.include({ descr: '<U5', list: ['trace', 'sum'] });
        expect(seen.none).to.deep.include({ descr: '<i4', shape: [0], hex: '' });
      });
    });
  }

  it('a changed byte in a stored array is refused: its CRC no longer matches the archive', async () => {
    const path = file('crc.npz');
    const values = Float64Array.from({ length: 64 }, (_, i) => i + 0.5);
    await saveNpz(path, { a: values });
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from(new Float64Array([10.5]).buffer));
    expect(at).to.be.above(0);
    const changed = Buffer.from(bytes);
    changed[at] ^= 1;
    writeFileSync(join(folder(), 'crc-changed.npz'), changed);
    await rejects(() => loadNpz(join(folder(), 'crc-changed.npz')), DataFileError, { message: /'a\.npy' do not match the checksum the archive records/ });
    expect(Array.from((await loadNpz(path)).a.data as Float64Array)).to.deep.equal(Array.from(values));
  });

  it('an archive of no arrays is an empty zip that numpy opens', async function () {
    await saveNpz(file('nothing.npz'), {});
    expect(await loadNpz(file('nothing.npz'))).to.deep.equal({});
    needsPython(this, 'numpy');
    expect(numpyReads(file('nothing.npz'))).to.deep.equal({});
  });

  it('loadNpz reads np.savez and np.savez_compressed (ZIP64 records) bit for bit', async function () {
    needsPython(this, 'numpy');
    const written = python<Record<string, string>>(
      `import sys, json, numpy as np
d = sys.argv[1]
a = {'v': np.arange(12.).reshape(3, 4) / 7, 'unit': np.array([3, 1, 2], dtype=np.int32), 'flags': np.eye(3, dtype=np.uint8)}
np.savez(f'{d}/py.npz', **a)
np.savez_compressed(f'{d}/py-c.npz', **a)
print(json.dumps({k: np.ascontiguousarray(x).tobytes().hex() for k, x in a.items()}))`,
      folder(),
    );
    for (const name of ['py.npz', 'py-c.npz']) {
      const back = await loadNpz(file(name));
      expect(Object.keys(back).sort(), name).to.deep.equal(['flags', 'unit', 'v']);
      for (const [key, want] of Object.entries(written)) expect(hex(back[key].data as NumericArray), `${name} ${key}`).to.equal(want);
      expect(back.v.shape).to.deep.equal([3, 4]);
    }
  });

  describe('refusals', () => {
    it('bad names, arrays and options are InputDataErrors', async () => {
      await rejects(() => saveNpz(file('x.npy'), {}), InputDataError, { where: 'saveNpz', fix: "End the path in '.npz'." });
      await rejects(() => saveNpz(file('x.npz'), { 'a/b': Float64Array.of(1) }), InputDataError, { message: "the array name 'a/b' holds '/' or '\\'.", fix: /without '\/'/ });
      await rejects(() => saveNpz(file('x.npz'), { '': Float64Array.of(1) }), InputDataError, { message: "the array name '' (a string) is empty or holds control characters." });
      await rejects(() => saveNpz(file('x.npz'), { a: 'text' as never }), InputDataError, { message: "array 'a' is 'text' (a string)." });
      await rejects(() => saveNpz(file('x.npz'), Float64Array.of(1) as never), InputDataError, { message: 'arrays are a Float64Array of length 1.' });
      await rejects(() => saveNpz(file('x.npz'), {}, { compres: true } as never), InputDataError, { message: /compres/ });
    });

    it('damaged, foreign and non-numpy archives are DataFileErrors naming the file', async () => {
      await saveNpz(file('good.npz'), { a: Float64Array.of(1, 2, 3) });
      const good = readFileSync(file('good.npz'));
      writeFileSync(file('cut.npz'), good.subarray(0, good.length - 30));
      await rejects(() => loadNpz(file('cut.npz')), DataFileError, { where: `loadNpz('${file('cut.npz')}')`, message: 'is damaged: the zip archive cannot be read', fix: /cut short/ });
      const flipped = Buffer.from(good);
      flipped[flipped.indexOf('NUMPY') + 10] ^= 0xff;
      writeFileSync(file('flipped.npz'), flipped);
      await rejects(() => loadNpz(file('flipped.npz')), DataFileError, { message: /is damaged/ });
      const { zipSync } = await import('fflate');
      writeFileSync(file('other.npz'), zipSync({ 'notes.txt': new TextEncoder().encode('hello') }));
      await rejects(() => loadNpz(file('other.npz')), DataFileError, { message: "holds 'notes.txt', which is not an .npy array", fix: /np\.savez or saveNpz/ });
      writeFileSync(file('npy.npz'), Buffer.from('\x93NUMPY\x01\x00', 'latin1'));
      await rejects(() => loadNpz(file('npy.npz')), DataFileError, { message: 'is an .npy file, not an .npz file (a zip archive)', fix: /Read it with loadNpy/ });
    });
  });
});
