/**
 * The main demo: runs the examples (the original package's IAF example, an
 * HH population under a current ramp, an IAF → Alpha → HH chain, a noisy LIF
 * population with spikes as events, and an Ornstein–Uhlenbeck process
 * against theory), prints what each found, the back ends available here,
 * and writes every plot to out/.
 *
 * Run: npm run demo
 */
import { backends } from 'neural-ts';
import { main as iaf } from './iaf.js';
import { main as hhRamp } from './hh-ramp.js';
import { main as chain } from './chain.js';
import { main as noisyLif } from './noisy-lif.js';
import { main as ou } from './ou.js';

const status = backends.status();
console.log('back ends:', Object.entries(status).map(([k, s]) => `${k} ${s.ok ? 'ok' : `unavailable (${s.reason})`}`).join('; '));
await iaf();
await hhRamp();
await chain();
await noisyLif();
await ou();
console.log('demo: done; plots are in out/');
