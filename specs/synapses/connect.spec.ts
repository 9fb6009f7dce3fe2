/**
 * Connectivity of `Network.synapses`, made on the host: `p` (alone, with
 * `condition`, with unit ranges), `inDegree`, `outDegree`, explicit `i`/`j`,
 * `condition`, `sources`/`targets`, `selfConnections`, and per-synapse
 * `values` (numbers, arrays in the order of explicit pairs, expressions).
 * Every check is against plain loops over the synapses' `i`, `j` and `rows`.
 */
import { expect } from 'chai';
import { Model, Network, models, onPre, param, type Synapses } from '../../lib/index.js';
import { Jump, Sink } from './helpers.js';

/** The library's excitatory jump (`ge_post += w`, ms), onto CUBA targets. */
const Exc = models.ExcitatoryJump;

/** A synapse model with two parameters, for values that read each other. */
class TwoValues extends Model {
  static timeScale = 1e3;
  @param(1) a!: number;
  @param(2) b!: number;
  @onPre('ge_post += a') pre!: never;
}

/** Two CUBA containers (spiking sources) of the given sizes in a network of `seed`. */
function net(seed: number, ns: number, nt: number) {
  const nn = new Network({ seed });
  const source = nn.add(models.CUBA, { name: 'source', num: ns });
  const target = nt > 0 ? nn.add(models.CUBA, { name: 'target', num: nt }) : source;
  return { nn, source, target };
}

/** The pairs of a projection as 'i,j' strings, in the synapses' order. */
function pairs(syn: Pick<Synapses, 'i' | 'j'>): string[] {
  return Array.from(syn.i, (a, s) => `${a},${syn.j[s]}`);
}

/** Checks the compressed rows: i is sorted, rows[u]..rows[u+1] are exactly the synapses of unit u. */
function checkRows(syn: Pick<Synapses, 'i' | 'j' | 'rows' | 'num'>, ns: number): void {
  expect(syn.rows.length).to.equal(ns + 1);
  expect(syn.rows[0]).to.equal(0);
  expect(syn.rows[ns]).to.equal(syn.num);
  expect(syn.i.length).to.equal(syn.num);
  expect(syn.j.length).to.equal(syn.num);
  for (let u = 0; u < ns; u++) {
    for (let s = syn.rows[u]; s < syn.rows[u + 1]; s++) if (syn.i[s] !== u) expect.fail(`synapse ${s} is in the row of unit ${u} but has i = ${syn.i[s]}`);
  }
}

describe('synapses/connect: which pairs are connected', () => {
  describe('p', () => {
    it('connects each pair with probability p: the count is within 4 standard deviations of p·pairs, and the rows are consistent', () => {
      const { nn, source, target } = net(11, 600, 500);
      const p = 0.05;
      const syn = nn.synapses(source, target, Exc, { p });
      const n = 600 * 500;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(syn.num - n * p)).to.be.below(4 * sd);
      checkRows(syn, 600);
      // No pair twice, every index in range.
      expect(new Set(pairs(syn)).size).to.equal(syn.num);
      for (let s = 0; s < syn.num; s++) {
        if (syn.i[s] < 0 || syn.i[s] >= 600 || syn.j[s] < 0 || syn.j[s] >= 500) expect.fail(`synapse ${s}: (${syn.i[s]}, ${syn.j[s]})`);
        if (s > 0 && syn.i[s] === syn.i[s - 1] && !(syn.j[s] > syn.j[s - 1])) expect.fail(`synapse ${s}: targets of a row are not increasing`);
      }
      // The first and the last target, and the first and last source, are chosen as often as any.
      const perTarget = new Float64Array(500);
      const perSource = new Float64Array(600);
      for (let s = 0; s < syn.num; s++) { perTarget[syn.j[s]]++; perSource[syn.i[s]]++; }
      const sdT = Math.sqrt(600 * p * (1 - p));
      const sdS = Math.sqrt(500 * p * (1 - p));
      for (const t of [0, 499]) expect(Math.abs(perTarget[t] - 600 * p), `target ${t}`).to.be.below(4 * sdT);
      for (const u of [0, 599]) expect(Math.abs(perSource[u] - 500 * p), `source ${u}`).to.be.below(4 * sdS);
      // Half of the synapses go to each half of the targets.
      const low = perTarget.subarray(0, 250).reduce((a, b) => a + b, 0);
      expect(Math.abs(low - syn.num / 2)).to.be.below(4 * Math.sqrt(syn.num / 4));
    });

    it('is reproducible from the seed, and differs with another seed or in another projection', () => {
      const a = net(5, 200, 200);
      const b = net(5, 200, 200);
      const c = net(6, 200, 200);
      const sa = a.nn.synapses(a.source, a.target, Exc, { p: 0.1 });
      const sb = b.nn.synapses(b.source, b.target, Exc, { p: 0.1 });
      const sc = c.nn.synapses(c.source, c.target, Exc, { p: 0.1 });
      expect(Array.from(sb.i)).to.deep.equal(Array.from(sa.i));
      expect(Array.from(sb.j)).to.deep.equal(Array.from(sa.j));
      expect(pairs(sc)).to.not.deep.equal(pairs(sa));
      // The second projection of the same network, with the same options, draws other pairs.
      const second = a.nn.synapses(a.source, a.target, Exc, { p: 0.1 });
      expect(pairs(second)).to.not.deep.equal(pairs(sa));
    });

    it('p: 1 connects every pair, p: 0 none', () => {
      const { nn, source, target } = net(1, 7, 5);
      const all = nn.synapses(source, target, Exc, { p: 1 });
      const want: string[] = [];
      for (let a = 0; a < 7; a++) for (let b = 0; b < 5; b++) want.push(`${a},${b}`);
      expect(pairs(all)).to.deep.equal(want);
      const none = nn.synapses(source, target, Exc, { p: 0 });
      expect(none.num).to.equal(0);
      expect(Array.from(none.rows)).to.deep.equal(new Array(8).fill(0));
    });

    it('selfConnections: false leaves out i == j when source and target are the same container, and only then', () => {
      const { nn, source } = net(3, 50, 0);
      const all = nn.synapses(source, source, Exc, { p: 1, selfConnections: false });
      expect(all.num).to.equal(50 * 49);
      for (let s = 0; s < all.num; s++) if (all.i[s] === all.j[s]) expect.fail(`synapse ${s} joins unit ${all.i[s]} to itself`);
      const some = nn.synapses(source, source, Exc, { p: 0.5, selfConnections: false });
      for (let s = 0; s < some.num; s++) if (some.i[s] === some.j[s]) expect.fail(`synapse ${s} joins unit ${some.i[s]} to itself`);
      // The default (as Brian2) keeps them.
      const withSelf = nn.synapses(source, source, Exc, { p: 1 });
      expect(withSelf.num).to.equal(50 * 50);
      // Two containers: unit 3 to unit 3 is no self-connection.
      const other = nn.add(models.CUBA, { num: 50 });
      const across = nn.synapses(source, other, Exc, { p: 1, selfConnections: false });
      expect(across.num).to.equal(50 * 50);
    });

    it('sources and targets limit the pairs to their ranges; the count matches p over the ranges', () => {
      const { nn, source, target } = net(9, 400, 300);
      const p = 0.1;
      const syn = nn.synapses(source, target, Exc, { p, sources: [100, 350], targets: [20, 220] });
      for (let s = 0; s < syn.num; s++) {
        if (syn.i[s] < 100 || syn.i[s] >= 350 || syn.j[s] < 20 || syn.j[s] >= 220) expect.fail(`synapse ${s}: (${syn.i[s]}, ${syn.j[s]}) is outside the ranges`);
      }
      const n = 250 * 200;
      expect(Math.abs(syn.num - n * p)).to.be.below(4 * Math.sqrt(n * p * (1 - p)));
      checkRows(syn, 400);
      // Units outside the source range have empty rows.
      for (let u = 0; u < 400; u++) if ((u < 100 || u >= 350) && syn.rows[u + 1] !== syn.rows[u]) expect.fail(`unit ${u} has synapses`);
      // The edges of the ranges are reached.
      expect(Math.min(...syn.i)).to.equal(100);
      expect(Math.max(...syn.j)).to.equal(219);
      // An empty range connects nothing.
      expect(nn.synapses(source, target, Exc, { p: 1, sources: [5, 5] }).num).to.equal(0);
    });
  });

  describe('inDegree and outDegree', () => {
    it('inDegree: every target gets exactly k synapses from k distinct sources, and every source is used', () => {
      const { nn, source, target } = net(21, 100, 200);
      const k = 10;
      const syn = nn.synapses(source, target, Exc, { inDegree: k });
      expect(syn.num).to.equal(200 * k);
      checkRows(syn, 100);
      const from = Array.from({ length: 200 }, () => new Set<number>());
      const count = new Float64Array(200);
      const perSource = new Float64Array(100);
      for (let s = 0; s < syn.num; s++) { from[syn.j[s]].add(syn.i[s]); count[syn.j[s]]++; perSource[syn.i[s]]++; }
      for (let t = 0; t < 200; t++) {
        expect(count[t], `synapses onto target ${t}`).to.equal(k);
        expect(from[t].size, `distinct sources of target ${t}`).to.equal(k);
      }
      // Drawn at random: the sets differ, and each source is picked about 200·k/100 = 20 times.
      expect(new Set(from.map((x) => [...x].sort((a, b) => a - b).join(','))).size).to.be.above(190);
      const sd = Math.sqrt(200 * 0.1 * 0.9);
      for (let u = 0; u < 100; u++) expect(Math.abs(perSource[u] - 20), `source ${u}`).to.be.below(4 * sd + 1);
    });

    it('outDegree: every source gets exactly k synapses to k distinct targets, reproducibly', () => {
      const { nn, source, target } = net(22, 150, 80);
      const k = 7;
      const syn = nn.synapses(source, target, Exc, { outDegree: k });
      expect(syn.num).to.equal(150 * k);
      checkRows(syn, 150);
      for (let u = 0; u < 150; u++) {
        expect(syn.rows[u + 1] - syn.rows[u], `row of source ${u}`).to.equal(k);
        const to = new Set(Array.from(syn.j.subarray(syn.rows[u], syn.rows[u + 1])));
        expect(to.size, `distinct targets of source ${u}`).to.equal(k);
      }
      const perTarget = new Float64Array(80);
      for (let s = 0; s < syn.num; s++) perTarget[syn.j[s]]++;
      expect(Math.min(...perTarget)).to.be.above(0);
      const again = net(22, 150, 80);
      expect(pairs(again.nn.synapses(again.source, again.target, Exc, { outDegree: k }))).to.deep.equal(pairs(syn));
    });

    it('with selfConnections: false, the k partners never include the unit itself, up to k = n − 1', () => {
      const { nn, source } = net(4, 30, 0);
      for (const option of ['inDegree', 'outDegree'] as const) {
        for (const k of [5, 29]) {
          const syn = nn.synapses(source, source, Exc, { [option]: k, selfConnections: false });
          expect(syn.num, `${option} ${k}`).to.equal(30 * k);
          for (let s = 0; s < syn.num; s++) if (syn.i[s] === syn.j[s]) expect.fail(`${option} ${k}: synapse ${s} joins unit ${syn.i[s]} to itself`);
          const per = new Map<number, Set<number>>();
          for (let s = 0; s < syn.num; s++) {
            const [unit, partner] = option === 'inDegree' ? [syn.j[s], syn.i[s]] : [syn.i[s], syn.j[s]];
            if (!per.has(unit)) per.set(unit, new Set());
            per.get(unit)!.add(partner);
          }
          for (let u = 0; u < 30; u++) expect(per.get(u)?.size, `${option} ${k}: unit ${u}`).to.equal(k);
        }
      }
    });

    it('inDegree and outDegree choose only within the unit ranges', () => {
      const { nn, source, target } = net(8, 60, 40);
      const inDeg = nn.synapses(source, target, Exc, { inDegree: 6, sources: [10, 30], targets: [5, 15] });
      expect(inDeg.num).to.equal(10 * 6);
      const outDeg = nn.synapses(source, target, Exc, { outDegree: 4, sources: [50, 60], targets: [30, 40] });
      expect(outDeg.num).to.equal(10 * 4);
      for (const [syn, [s0, s1], [t0, t1]] of [[inDeg, [10, 30], [5, 15]], [outDeg, [50, 60], [30, 40]]] as const) {
        for (let s = 0; s < syn.num; s++) {
          if (syn.i[s] < s0 || syn.i[s] >= s1 || syn.j[s] < t0 || syn.j[s] >= t1) expect.fail(`synapse ${s}: (${syn.i[s]}, ${syn.j[s]}) is outside [${s0}, ${s1}) × [${t0}, ${t1})`);
        }
      }
    });

    it('with selfConnections: false and disjoint ranges of one container, every unit of the other range may be chosen', () => {
      // Sources 0–4 and targets 5–9 of the same container: no pair is a self-connection, so k may be 5.
      const { nn, source } = net(2, 10, 0);
      const out = nn.synapses(source, source, Exc, { outDegree: 5, sources: [0, 5], targets: [5, 10], selfConnections: false });
      expect(out.num).to.equal(25);
      const inn = nn.synapses(source, source, Exc, { inDegree: 5, sources: [0, 5], targets: [5, 10], selfConnections: false });
      expect(inn.num).to.equal(25);
      // Overlapping ranges: a unit in both has one partner fewer, so k = 5 of 6 targets works, and no self pair is made.
      const overlap = nn.synapses(source, source, Exc, { outDegree: 5, sources: [3, 7], targets: [4, 10], selfConnections: false });
      expect(overlap.num).to.equal(20);
      for (let s = 0; s < overlap.num; s++) if (overlap.i[s] === overlap.j[s]) expect.fail(`synapse ${s} joins unit ${overlap.i[s]} to itself`);
    });
  });

  describe('explicit i and j', () => {
    it('keeps every pair given, ordered by source unit and stable within a source (i, j and rows)', () => {
      const { nn, source, target } = net(1, 4, 6);
      const i = [2, 0, 2, 1, 0, 2, 0];
      const j = [5, 3, 1, 4, 0, 1, 3];
      const syn = nn.synapses(source, target, Exc, { i, j });
      // Stable sort by source: the order given within each source.
      const order = i.map((_, s) => s).sort((a, b) => i[a] - i[b] || a - b);
      expect(Array.from(syn.i)).to.deep.equal(order.map((s) => i[s]));
      expect(Array.from(syn.j)).to.deep.equal(order.map((s) => j[s]));
      expect(Array.from(syn.i)).to.deep.equal([0, 0, 0, 1, 2, 2, 2]);
      expect(Array.from(syn.j)).to.deep.equal([3, 0, 3, 4, 5, 1, 1]);
      expect(Array.from(syn.rows)).to.deep.equal([0, 3, 4, 7, 7]);
      expect(syn.num).to.equal(7);
      // Typed arrays work too.
      const typed = nn.synapses(source, target, Exc, { i: Int32Array.from(i), j: Int32Array.from(j) });
      expect(pairs(typed)).to.deep.equal(pairs(syn));
      // No pairs: an empty projection.
      expect(nn.synapses(source, target, Exc, { i: [], j: [] }).num).to.equal(0);
    });

    it('values and delays given as arrays in the order of the pairs land on their pair', () => {
      const { nn, source, target } = net(1, 4, 6);
      const i = [3, 0, 2, 0, 1];
      const j = [0, 5, 2, 1, 4];
      const w = [30, 5, 22, 1, 14];
      const delay = [0.3, 0.5, 0.2, 0.1, 0.4];
      const syn = nn.synapses(source, target, Exc, { i, j, values: { w }, delay });
      const got = syn.get('w');
      const d = syn.delay as Float64Array;
      for (let s = 0; s < syn.num; s++) {
        const given = i.findIndex((a, q) => a === syn.i[s] && j[q] === syn.j[s]);
        expect(got[s], `w of (${syn.i[s]}, ${syn.j[s]})`).to.equal(w[given]);
        expect(d[s], `delay of (${syn.i[s]}, ${syn.j[s]})`).to.equal(delay[given]);
        // Here each weight is 10·i + j by construction.
        expect(got[s]).to.equal(10 * syn.i[s] + syn.j[s]);
      }
      // A Float64Array in the pairs' order also lands on its pair.
      const typed = nn.synapses(source, target, Exc, { i, j, values: { w: Float64Array.from(w) } });
      expect(Array.from(typed.get('w'))).to.deep.equal(Array.from(got));
    });
  });

  describe('condition', () => {
    it("'abs(i - j) <= 1' connects exactly the pairs where it holds", () => {
      const { nn, source, target } = net(1, 12, 10);
      const syn = nn.synapses(source, target, Exc, { condition: 'abs(i - j) <= 1' });
      const want: string[] = [];
      for (let a = 0; a < 12; a++) for (let b = 0; b < 10; b++) if (Math.abs(a - b) <= 1) want.push(`${a},${b}`);
      expect(pairs(syn)).to.deep.equal(want);
      checkRows(syn, 12);
    });

    it('reads constants and combines with selfConnections and unit ranges', () => {
      const { nn, source } = net(1, 20, 0);
      const syn = nn.synapses(source, source, Exc, { condition: 'i <= j and j < i + pi', sources: [4, 16], targets: [0, 18], selfConnections: false });
      const want: string[] = [];
      for (let a = 4; a < 16; a++) for (let b = 0; b < 18; b++) if (a !== b && a <= b && b < a + Math.PI) want.push(`${a},${b}`);
      expect(pairs(syn)).to.deep.equal(want);
    });

    it('with p: a subset of the pairs where it holds, of the expected size, reproducibly', () => {
      const { nn, source } = net(13, 600, 0);
      const p = 0.5;
      const syn = nn.synapses(source, source, Exc, { condition: 'abs(i - j) <= 2', p });
      const where = 600 * 5 - 2 * (2 + 1);
      for (let s = 0; s < syn.num; s++) if (Math.abs(syn.i[s] - syn.j[s]) > 2) expect.fail(`synapse ${s}: (${syn.i[s]}, ${syn.j[s]})`);
      expect(Math.abs(syn.num - where * p)).to.be.below(4 * Math.sqrt(where * p * (1 - p)));
      expect(new Set(pairs(syn)).size).to.equal(syn.num);
      const again = net(13, 600, 0);
      expect(pairs(again.nn.synapses(again.source, again.source, Exc, { condition: 'abs(i - j) <= 2', p }))).to.deep.equal(pairs(syn));
    });
  });

  describe('values', () => {
    it("numbers, the model's defaults, and expressions of i and j ('i + j') for every synapse", () => {
      const { nn, source, target } = net(1, 9, 7);
      const syn = nn.synapses(source, target, TwoValues, { p: 1, values: { a: 'i + j', b: 0.25 } });
      for (let s = 0; s < syn.num; s++) expect(syn.get('a')[s]).to.equal(syn.i[s] + syn.j[s]);
      expect(Array.from(syn.get('b'))).to.deep.equal(new Array(63).fill(0.25));
      const defaults = nn.synapses(source, target, TwoValues, { p: 1 });
      expect(Array.from(defaults.get('a'))).to.deep.equal(new Array(63).fill(1));
      expect(Array.from(defaults.get('b'))).to.deep.equal(new Array(63).fill(2));
      expect(defaults.variables).to.deep.equal(['a', 'b']);
    });

    it('an expression may read a value given before it (numbers first, then expressions in order)', () => {
      const { nn, source, target } = net(1, 5, 5);
      const syn = nn.synapses(source, target, TwoValues, { p: 1, values: { b: 'a * 3 + j', a: 2 } });
      for (let s = 0; s < syn.num; s++) expect(syn.get('b')[s]).to.equal(6 + syn.j[s]);
      const chained = nn.synapses(source, target, TwoValues, { p: 1, values: { a: 'i * 10', b: 'a + j' } });
      for (let s = 0; s < chained.num; s++) expect(chained.get('b')[s]).to.equal(10 * chained.i[s] + chained.j[s]);
    });

    it("'rand() * 2' draws from [0, 2) per synapse: uniform, reproducible from the seed, different per seed and per variable", () => {
      const make = (seed: number) => {
        const { nn, source, target } = net(seed, 100, 100);
        return nn.synapses(source, target, TwoValues, { p: 0.5, values: { a: 'rand() * 2', b: 'rand() * 2' } });
      };
      const syn = make(17);
      const a = syn.get('a');
      expect(syn.num).to.be.above(4000);
      for (let s = 0; s < syn.num; s++) if (!(a[s] >= 0 && a[s] < 2)) expect.fail(`a[${s}] = ${a[s]}`);
      // Mean 1, variance 1/3; a quarter below 0.5.
      const mean = a.reduce((x, y) => x + y, 0) / syn.num;
      expect(Math.abs(mean - 1)).to.be.below(4 * Math.sqrt(1 / 3 / syn.num));
      const below = a.filter((x) => x < 0.5).length;
      expect(Math.abs(below - syn.num / 4)).to.be.below(4 * Math.sqrt(syn.num * 0.25 * 0.75));
      // Each variable draws its own numbers.
      expect(Array.from(syn.get('b'))).to.not.deep.equal(Array.from(a));
      // Same seed, same synapses and values; another seed, other values.
      const same = make(17);
      expect(Array.from(same.get('a'))).to.deep.equal(Array.from(a));
      const other = make(18);
      expect(Array.from(other.get('a').subarray(0, 100))).to.not.deep.equal(Array.from(a.subarray(0, 100)));
    });

    it('a projection onto a model with no spike works when it only runs onPre', () => {
      const { nn, source } = net(1, 3, 0);
      const sink = nn.add(Sink, { num: 2 });
      const syn = nn.synapses(source, sink, Jump, { p: 1, values: { w: 'i * 2 + j' } });
      expect(Array.from(syn.get('w'))).to.deep.equal([0, 1, 2, 3, 4, 5]);
      expect(nn.projections).to.have.length(1);
      expect(nn.projections[0]).to.equal(syn);
      expect(syn.source).to.equal(source);
      expect(syn.target).to.equal(sink);
      expect(syn.name).to.equal('synapses0');
    });
  });
});
