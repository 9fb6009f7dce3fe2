/**
 * Golden printed IR of library models and of small models under each update
 * rule. Each golden below was read against the equations before it was
 * written down: Euler is x + dt·f; exponential Euler is
 * x + f·(e^{B·dt} − 1)/B with the B = 0 fallback to dt; bounded states are
 * clipped with comparisons; posts read the values before any post applies;
 * repeated subexpressions are shared through `let __tN`.
 */
import { expect } from 'chai';
import { Model, SymbolicModel, derivative, inspect, intermediate, lowerModel, models, param, printBlock, readModel, state } from '../../lib/index.js';

const LIBRARY: Record<string, { update: string[]; post: string[] }> = {
  IAF: {
    update: [
      'set v = add(v, mul(dt, div(add(stimulus, bias), c)))',
    ],
    post: [
      'let __t0 = gt(v, vt)',
      'set spike = select(__t0, 1, 0)',
      'set v = select(__t0, 0, v)',
    ],
  },
  LeakyIAF: {
    update: [
      'let __B_v = div(neg(div(1, r)), c)',
      'let __t0 = ne(__B_v, 0)',
      'let __E_v = div(expm1(mul(__B_v, dt)), select(__t0, __B_v, 1))',
      'let __t1 = add(v, mul(div(sub(stimulus, div(v, r)), c), select(__t0, __E_v, dt)))',
      'set v = select(lt(__t1, -0.07), -0.07, select(gt(__t1, 0.025), 0.025, __t1))',
    ],
    post: [
      'let __t0 = gt(v, vt)',
      'set spike = select(__t0, 1, 0)',
      'set v = select(__t0, vr, v)',
    ],
  },
  Alpha: {
    update: [
      'let __t0 = neg(add(ar, ad))',
      'let __B_u = __t0',
      'let __t1 = ne(__B_u, 0)',
      'let __E_u = div(expm1(mul(__B_u, dt)), select(__t1, __B_u, 1))',
      'set s = add(s, mul(dt, u))',
      'set u = add(u, mul(sub(mul(__t0, u), mul(mul(ar, ad), s)), select(__t1, __E_u, dt)))',
    ],
    post: [
      'set u = select(ne(stimulus, 0), add(u, mul(ar, ad)), u)',
      'set g = mul(gmax, s)',
    ],
  },
  Izhikevich: {
    update: [
      'let __B_u = neg(a)',
      'let __t0 = ne(__B_u, 0)',
      'let __E_u = div(expm1(mul(__B_u, dt)), select(__t0, __B_u, 1))',
      'set v = add(v, mul(dt, add(sub(add(add(mul(0.04, pow(v, 2)), mul(5, v)), 140), u), stimulus)))',
      'set u = add(u, mul(mul(a, sub(mul(b, v), u)), select(__t0, __E_u, dt)))',
    ],
    post: [
      'let __t0 = ge(v, vpeak)',
      'set v = select(__t0, c, v)',
      'set u = select(__t0, add(u, d), u)',
      'set spike = select(__t0, 1, 0)',
    ],
  },
  AMPA: {
    update: [
      'let __t0 = neg(ad)',
      'let __B_s = __t0',
      'let __t1 = ne(__B_s, 0)',
      'let __E_s = div(expm1(mul(__B_s, dt)), select(__t1, __B_s, 1))',
      'let __t2 = add(s, mul(mul(__t0, s), select(__t1, __E_s, dt)))',
      'set s = select(lt(__t2, 0), 0, select(gt(__t2, 1), 1, __t2))',
    ],
    post: [
      'let __t0 = min(1, add(s, mul(mul(stimulus, ar), sub(1, s))))',
      'set s = __t0',
      'let __t1 = mul(gmax, __t0)',
      'set I = __t1',
      'set g = __t1',
    ],
  },
  NMDA: {
    update: [
      'let __t0 = neg(b1)',
      'let __B_x = __t0',
      'let __t1 = ne(__B_x, 0)',
      'let __E_x = div(expm1(mul(__B_x, dt)), select(__t1, __B_x, 1))',
      'let __t2 = mul(a2, x)',
      'let __B_s = sub(neg(__t2), b2)',
      'let __t3 = ne(__B_s, 0)',
      'let __E_s = div(expm1(mul(__B_s, dt)), select(__t3, __B_s, 1))',
      'let __t4 = add(x, mul(mul(__t0, x), select(__t1, __E_x, dt)))',
      'set x = select(lt(__t4, 0), 0, select(gt(__t4, 1), 1, __t4))',
      'let __t5 = add(s, mul(sub(mul(__t2, sub(1, s)), mul(b2, s)), select(__t3, __E_s, dt)))',
      'set s = select(lt(__t5, 0), 0, select(gt(__t5, 1), 1, __t5))',
    ],
    post: [
      'set x = select(ne(stimulus, 0), min(1, add(x, mul(a1, sub(1, x)))), x)',
      'set g = mul(gmax, s)',
    ],
  },
  HodgkinHuxley: {
    update: [
      'let __t0 = add(v, 55)',
      'let an_t = sub(exp(div(neg(__t0), 10)), 1)',
      'let __t1 = neg(add(v, 65))',
      'let beta_n = mul(0.125, exp(div(__t1, 80)))',
      'let __t2 = add(v, 40)',
      'let am_t = sub(exp(div(neg(__t2), 10)), 1)',
      'let beta_m = mul(4, exp(div(__t1, 18)))',
      'let alpha_h = mul(0.07, exp(div(__t1, 20)))',
      'let beta_h = div(1, add(exp(div(neg(add(v, 35)), 10)), 1))',
      'let __t3 = mul(gK, pow(n, 4))',
      'let __t4 = mul(mul(gNa, pow(m, 3)), h)',
      'let __B_v = sub(sub(neg(__t3), __t4), gL)',
      'let __t5 = ne(__B_v, 0)',
      'let __E_v = div(expm1(mul(__B_v, dt)), select(__t5, __B_v, 1))',
      'let __t6 = le(abs(an_t), 1e-7)',
      'let __t7 = div(mul(-0.01, __t0), an_t)',
      'let __B_n = select(__t6, sub(-0.1, beta_n), sub(neg(__t7), beta_n))',
      'let __t8 = ne(__B_n, 0)',
      'let __E_n = div(expm1(mul(__B_n, dt)), select(__t8, __B_n, 1))',
      'let __t9 = le(abs(am_t), 1e-7)',
      'let __t10 = div(mul(-0.1, __t2), am_t)',
      'let __B_m = select(__t9, sub(-1, beta_m), sub(neg(__t10), beta_m))',
      'let __t11 = ne(__B_m, 0)',
      'let __E_m = div(expm1(mul(__B_m, dt)), select(__t11, __B_m, 1))',
      'let __B_h = sub(neg(alpha_h), beta_h)',
      'let __t12 = ne(__B_h, 0)',
      'let __E_h = div(expm1(mul(__B_h, dt)), select(__t12, __B_h, 1))',
      'let __t13 = add(v, mul(sub(sub(sub(stimulus, mul(__t3, sub(v, EK))), mul(__t4, sub(v, ENa))), mul(gL, sub(v, EL))), select(__t5, __E_v, dt)))',
      'set v = select(lt(__t13, -80), -80, select(gt(__t13, 30), 30, __t13))',
      'let __t14 = sub(1, n)',
      'let __t15 = mul(beta_n, n)',
      'let __t16 = add(n, mul(select(__t6, sub(mul(0.1, __t14), __t15), sub(mul(__t7, __t14), __t15)), select(__t8, __E_n, dt)))',
      'set n = select(lt(__t16, 0), 0, select(gt(__t16, 1), 1, __t16))',
      'let __t17 = sub(1, m)',
      'let __t18 = mul(beta_m, m)',
      'let __t19 = add(m, mul(select(__t9, sub(__t17, __t18), sub(mul(__t10, __t17), __t18)), select(__t11, __E_m, dt)))',
      'set m = select(lt(__t19, 0), 0, select(gt(__t19, 1), 1, __t19))',
      'let __t20 = add(h, mul(sub(mul(alpha_h, sub(1, h)), mul(beta_h, h)), select(__t12, __E_h, dt)))',
      'set h = select(lt(__t20, 0), 0, select(gt(__t20, 1), 1, __t20))',
    ],
    post: [
      'set spike = select(and(lt(vprev, 0), ge(v, 0)), 1, 0)',
      'set vprev = v',
    ],
  },
};

class Decay extends Model {
  @param(1) k!: number;
  @state(1) @derivative('-k * x') x!: number;
}

class Rotation extends Model {
  @param(1) w!: number;
  @state(1) @derivative('-w * y') x!: number;
  @state(0) @derivative('w * x') y!: number;
}

class Shared extends Model {
  @param(1) a!: number;
  @intermediate('exp(-x / 10)') g!: number;
  @state(1) @derivative('g * (1 - x) - exp(-x / 10)') x!: number;
  @state(0) @derivative('exp(-x / 10) * y + (a + 1) * (a + 1)') y!: number;
}

const RULES: Record<string, string[]> = {
  euler: ['set x = add(x, mul(dt, mul(neg(k), x)))'],
  'exponential-euler': [
    'let __t0 = neg(k)',
    'let __B_x = __t0',
    'let __t1 = ne(__B_x, 0)',
    'let __E_x = div(expm1(mul(__B_x, dt)), select(__t1, __B_x, 1))',
    'set x = add(x, mul(mul(__t0, x), select(__t1, __E_x, dt)))',
  ],
  midpoint: [
    'let __t0 = neg(k)',
    'let x__s2 = add(x, mul(mul(0.5, dt), mul(__t0, x)))',
    'set x = add(x, mul(dt, mul(__t0, x__s2)))',
  ],
  heun: [
    'let __t0 = neg(k)',
    'let __t1 = mul(__t0, x)',
    'let x__s2 = add(x, mul(dt, __t1))',
    'set x = add(x, mul(dt, add(mul(0.5, __t1), mul(0.5, mul(__t0, x__s2)))))',
  ],
  rk4: [
    'let __t0 = mul(0.5, dt)',
    'let __t1 = neg(k)',
    'let __t2 = mul(__t1, x)',
    'let x__s2 = add(x, mul(__t0, __t2))',
    'let __t3 = mul(__t1, x__s2)',
    'let x__s3 = add(x, mul(__t0, __t3))',
    'let __t4 = mul(__t1, x__s3)',
    'let x__s4 = add(x, mul(dt, __t4))',
    'set x = add(x, mul(dt, add(add(add(mul(0.16666666666666666, __t2), mul(0.3333333333333333, __t3)), mul(0.3333333333333333, __t4)), mul(0.16666666666666666, mul(__t1, x__s4)))))',
  ],
};

describe('ir/golden printed IR', () => {
  for (const [name, golden] of Object.entries(LIBRARY)) {
    it(`${name}: update and post`, () => {
      const ir = lowerModel(inspect(models[name as keyof typeof models]));
      expect(printBlock(ir.update)).to.equal(golden.update.join('\n'));
      expect(printBlock(ir.post)).to.equal(golden.post.join('\n'));
    });
  }

  for (const [rule, golden] of Object.entries(RULES)) {
    it(`x' = -k·x under ${rule}`, () => {
      const ir = lowerModel(inspect(Decay), rule as 'euler');
      expect(printBlock(ir.update)).to.equal(golden.join('\n'));
      expect(ir.solvers).to.deep.equal({ x: rule });
      expect(ir.post).to.deep.equal([]);
    });
  }

  it('rk4 on a 2-D system evaluates every stage of both states from the previous stage of both', () => {
    expect(printBlock(lowerModel(inspect(Rotation), 'rk4').update).split('\n')).to.deep.equal([
      'let __t0 = mul(0.5, dt)',
      'let __t1 = neg(w)',
      'let __t2 = mul(__t1, y)',
      'let x__s2 = add(x, mul(__t0, __t2))',
      'let __t3 = mul(w, x)',
      'let y__s2 = add(y, mul(__t0, __t3))',
      'let __t4 = mul(__t1, y__s2)',
      'let x__s3 = add(x, mul(__t0, __t4))',
      'let __t5 = mul(w, x__s2)',
      'let y__s3 = add(y, mul(__t0, __t5))',
      'let __t6 = mul(__t1, y__s3)',
      'let x__s4 = add(x, mul(dt, __t6))',
      'let __t7 = mul(w, x__s3)',
      'let y__s4 = add(y, mul(dt, __t7))',
      'set x = add(x, mul(dt, add(add(add(mul(0.16666666666666666, __t2), mul(0.3333333333333333, __t4)), mul(0.3333333333333333, __t6)), mul(0.16666666666666666, mul(__t1, y__s4)))))',
      'set y = add(y, mul(dt, add(add(add(mul(0.16666666666666666, __t3), mul(0.3333333333333333, __t5)), mul(0.3333333333333333, __t7)), mul(0.16666666666666666, mul(w, x__s4)))))',
    ]);
  });

  it('an intermediate and the same text written out share one temporary; a repeated product too', () => {
    expect(printBlock(lowerModel(inspect(Shared), 'euler').update).split('\n')).to.deep.equal([
      'let __t0 = exp(div(neg(x), 10))',
      'let g = __t0',
      'set x = add(x, mul(dt, sub(mul(g, sub(1, x)), __t0)))',
      'let __t1 = add(a, 1)',
      'set y = add(y, mul(dt, add(mul(__t0, y), mul(__t1, __t1))))',
    ]);
  });

  it('a model is lowered once per rule; the shared IR is frozen', () => {
    const sym = inspect(models.HodgkinHuxley);
    const ir = lowerModel(sym, 'auto');
    expect(lowerModel(sym, 'auto')).to.equal(ir);
    expect(lowerModel(sym, 'rk4')).to.not.equal(ir);
    expect(Object.isFrozen(ir) && Object.isFrozen(ir.update) && Object.isFrozen(ir.update[0].expr)).to.equal(true);
    expect(() => (ir.update as unknown as unknown[]).push({})).to.throw(TypeError);
  });

  it('the IR is byte-stable: a fresh lowering (nothing cached) gives the same JSON as the shared one', () => {
    for (const M of [models.HodgkinHuxley, models.Alpha, Rotation]) {
      for (const rule of ['auto', 'rk4'] as const) {
        const shared = lowerModel(inspect(M), rule);
        // A new symbolic form of the class is not in the cache: it is read, analysed and lowered again.
        const fresh = lowerModel(new SymbolicModel(readModel(M)), rule);
        expect(fresh, `${M.name} ${rule}`).to.not.equal(shared);
        expect(JSON.stringify(fresh), `${M.name} ${rule}`).to.equal(JSON.stringify(shared));
        expect(fresh, `${M.name} ${rule}`).to.deep.equal(shared);
      }
    }
  });
});
