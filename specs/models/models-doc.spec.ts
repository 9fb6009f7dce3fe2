/**
 * docs/models.md is what `npm run models-doc` writes today (regenerated in
 * memory and compared), and it carries each model's description, units and
 * references from the TSDoc of its class and fields.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { modelsDoc } from '../../examples/models-doc.js';
import * as models from '../../lib/models/index.js';

const page = readFileSync(new URL('../../../docs/models.md', import.meta.url), 'utf8');

/** The text of one model's section, from its heading to the next one. */
function section(text: string, name: string): string {
  const start = text.indexOf(`\n## ${name}\n`);
  expect(start, `section ${name}`).to.be.above(-1);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

describe('docs/models.md', () => {
  it('is up to date: `npm run models-doc` would write the same page', () => {
    expect(page === modelsDoc(), 'docs/models.md differs from what the generator writes: run `npm run models-doc`').to.equal(true);
  });

  it('has one section per model, each opening with the TSDoc of its class before the equations', () => {
    for (const name of Object.keys(models)) {
      const s = section(page, name);
      const description = s.slice(s.indexOf('\n', 1), s.indexOf('Time scale:')).trim();
      expect(description.length, name).to.be.above(40);
      expect(s, name).to.include('$$');
    }
  });

  it('carries units and references: HodgkinHuxley and AMPA as examples', () => {
    const hh = section(page, 'HodgkinHuxley');
    expect(hh).to.include('Reference: Hodgkin & Huxley, J. Physiol. 117:500–544 (1952)');
    expect(hh).to.include('| gNa | 120 | mS/cm^2 | Maximal sodium conductance (mS/cm²). |');
    expect(hh).to.include('| stimulus | 0 | uA/cm^2 | Injected current (µA/cm²). |');
    expect(hh).to.match(/\| v \| -64\.9963793311921 \| mV \| \[-80, 30\] \| exponential-euler \| Membrane voltage \(mV\)\. \|/);
    expect(hh).to.include('Original start values (`HodgkinHuxley.originalStart`): v = -60, n = 0, m = 0, h = 1, vprev = -60.');
    const ampa = section(page, 'AMPA');
    expect(ampa).to.include('Reference: Destexhe, Mainen & Sejnowski');
    expect(ampa).to.include('| ad | 5 | 1/s | Decay rate of `s` (1/s). |');
  });
});
