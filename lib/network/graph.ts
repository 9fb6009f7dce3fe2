/**
 * The network's objects (containers, inputs, `ref`s, operators) as the plain
 * {@link NetworkGraph} that `planNetwork` plans.
 *
 * @module
 */
import type { NetworkGraph, SourceGraph } from '../plan/build.js';
import type { Container, Source } from './container.js';
import { Input } from './input.js';
import { VarRef } from './operators.js';
import type { Synapses } from './synapses.js';


/** Identities of Dot matrices, so that a new matrix of the same shape is not mistaken for the compiled one. */
const matrixIds = new WeakMap<Float64Array, number>();
let nextMatrixId = 1;
const matrixId = (m: Float64Array) => matrixIds.get(m) ?? (matrixIds.set(m, nextMatrixId), nextMatrixId++);

/** A network's graph, and the identity of each matrix it holds (for the compile key). */
export interface GraphOf {
  graph: NetworkGraph;
  /** One number per Dot matrix, in the order the graph holds them; equal only for the same array. */
  matrixIds: number[];
}

/**
 * Describes containers and inputs as a graph. A source that is not part of
 * these (an input or container of another network) gets the index -1, which
 * `planNetwork` refuses with a {@link NetworkWiringError} in wiring order.
 */
export function graphOf(containers: readonly Container[], inputs: readonly Input[], projections: readonly Synapses<never>[] = [], delays?: readonly { kind: 'uniform' | 'each'; maxDelay: number }[], seeds?: readonly number[] | null): GraphOf {
  const ids: number[] = [];
  const source = (s: Source): SourceGraph => {
    if (typeof s === 'number') return { kind: 'const', value: s };
    if (s instanceof Input) return { kind: 'input', input: inputs.indexOf(s), name: s.name };
    if (s instanceof VarRef) return { kind: 'var', container: containers.indexOf(s.container), variable: s.variable, label: s.label };
    const inner = source(s.source);
    if (s.matrix) ids.push(matrixId(s.matrix));
    return {
      kind: 'op', op: s.kind, source: inner, num: s.num, label: s.label,
      ...(s.block !== undefined ? { block: s.block } : {}),
      ...(s.matrix ? { matrix: s.matrix } : {}),
      ...(s.members !== undefined ? { members: s.members } : {}),
    };
  };
  const graph: NetworkGraph = {
    inputs: inputs.map((i) => ({ name: i.name, num: i.num })),
    containers: containers.map((c) => ({
      name: c.name,
      model: c.model,
      num: c.num,
      ...(c.solver !== undefined ? { solver: c.solver } : {}),
      connections: [...c.connections].map(([k, sources]) => [k, sources.map(source)]),
      records: [...c.records].map(([variable, o]) => ({ variable, rate: o.rate, mode: o.mode, ...(o.reduce !== 'last' && o.mode === 'trace' && o.rate > 1 ? { reduce: o.reduce } : {}) })),
      ...(c.recordsSpikes ? { spikes: true } : {}),
      uniform: [...c.spec.params, ...c.spec.inputs].map((x) => x.name).filter((n) => !c.connections.has(n) && c.uniform(n)),
    })),
    ...(projections.length ? {
      projections: projections.map((p, pi) => ({
        name: p.name, source: containers.indexOf(p.source), target: containers.indexOf(p.target), model: p.model, num: p.num,
        delay: delays?.[pi]?.kind ?? p.delaySpec().kind, maxDelay: delays?.[pi]?.maxDelay ?? 0,
      })),
    } : {}),
    ...(seeds ? { batch: { seeds } } : {}),
  };
  return { graph, matrixIds: ids };
}
