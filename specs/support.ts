/**
 * Helpers shared by the specs:
 *
 * - {@link rejects} and {@link throws}: a call fails with an error of a class,
 *   its message, `where` and `fix` as expected, and (for the library's
 *   errors) a message that reads *where: what fix*.
 * - {@link needsBackend}, {@link needsNvcc}, {@link skipBecause}: skip a test or
 *   a block where something it needs is missing here, saying why.
 * - {@link temporaryFolder} and {@link temporaryCacheDir}: a fresh private
 *   folder for a block (the compile cache, for the second), removed after it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NeuralError, backends, type BackendName } from '../lib/index.js';
import { nvccAvailable } from '../lib/backends/cuda/driver.js';

/** A class of errors, abstract or not. */
export type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** What an error must say: a string is contained (message) or equal (where, fix); a RegExp must match. */
export interface Expected {
  /** The whole message: contains a string, or matches a pattern. */
  message?: string | RegExp;
  /** `error.where`: equal to a string, or matching a pattern. */
  where?: string | RegExp;
  /** `error.fix`: equal to a string, or matching a pattern. */
  fix?: string | RegExp;
}

/**
 * Checks a caught error: its class, and what {@link Expected} asks for. Every
 * {@link NeuralError} must read `${where}: ${what}` followed by ` ${fix}` when
 * there is a fix.
 */
function check<E extends Error>(error: unknown, type: ErrorClass<E>, expected: Expected, label: string): E {
  expect(error, `${label}: ${String(error)}`).to.be.instanceOf(type);
  const e = error as E & Partial<NeuralError>;
  if (typeof expected.message === 'string') expect(e.message, label).to.include(expected.message);
  else if (expected.message) expect(e.message, label).to.match(expected.message);
  for (const key of ['where', 'fix'] as const) {
    const want = expected[key];
    if (typeof want === 'string') expect(e[key], `${label}: ${key}`).to.equal(want);
    else if (want) expect(e[key], `${label}: ${key}`).to.match(want);
  }
  if (error instanceof NeuralError) {
    expect(error.message, `${label}: where: what fix`).to.equal(`${error.where}: ${error.what}${error.fix ? ` ${error.fix}` : ''}`);
  }
  return e;
}

/**
 * Calls `f` (sync or async), expecting it to throw or reject with an error of
 * class `type` that says what `expected` asks for.
 * @param f - the call
 * @param type - the class of the error
 * @param expected - message, where and fix to check (each optional)
 * @param label - names the case in a failure
 * @returns the error, for more checks
 * @example const e = await rejects(() => nn.run(0), InputDataError, { where: 'Network.run', fix: /time step/ });
 */
export async function rejects<E extends Error>(f: () => unknown, type: ErrorClass<E>, expected: Expected = {}, label = 'rejects'): Promise<E> {
  let result: unknown;
  try {
    result = await f();
  } catch (error) {
    return check(error, type, expected, label);
  }
  return expect.fail(`${label}: expected ${type.name} to be thrown, got ${String(result)}`);
}

/**
 * {@link rejects} for a call that throws synchronously.
 * @returns the error, for more checks
 */
export function throws<E extends Error>(f: () => unknown, type: ErrorClass<E>, expected: Expected = {}, label = 'throws'): E {
  let result: unknown;
  try {
    result = f();
  } catch (error) {
    return check(error, type, expected, label);
  }
  return expect.fail(`${label}: expected ${type.name} to be thrown, got ${String(result)}`);
}

/** Skips the current test (in `it`) or block (in `before`), printing why under the reporter's line. */
export function skipBecause(context: Mocha.Context, reason: string): never {
  console.log(`      (skipped: ${reason})`);
  return context.skip();
}

/**
 * Skips the current test or block unless back end `name` works here, with
 * the reason `backends.status()` gives.
 * @example before(function () { needsBackend(this, 'cpu'); });
 */
export function needsBackend(context: Mocha.Context, name: BackendName): void {
  const s = backends.status()[name];
  if (!s.ok) skipBecause(context, s.reason ?? `the ${name} back end is unavailable`);
}

/**
 * Skips the current test or block when back end `name` works here: for
 * specs of how an unavailable back end is reported.
 */
export function needsNoBackend(context: Mocha.Context, name: BackendName): void {
  if (backends.status()[name].ok) skipBecause(context, `the ${name} back end works here`);
}

/** Skips the current test or block unless `nvcc` is found (it needs no GPU). */
export function needsNvcc(context: Mocha.Context): string {
  const nvcc = nvccAvailable();
  if (!nvcc) skipBecause(context, 'nvcc is not on the PATH, in $CUDA_HOME/bin or in /usr/local/cuda/bin');
  return nvcc as string;
}

/**
 * A fresh private folder (mode 0700) for the enclosing `describe` block:
 * made before its tests, removed with everything in it after them.
 * @param prefix - the start of the folder's name, under the system's temporary folder
 * @returns the folder's path, once the block has started
 */
export function temporaryFolder(prefix = 'neural-spec-'): () => string {
  let dir: string | undefined;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error('temporaryFolder: read it inside the block, after its before() hooks');
    return dir;
  };
}

/**
 * Points `NEURAL_CACHE_DIR` to a fresh private folder for the enclosing
 * `describe` block, so that its compiles neither read nor leave anything in
 * the real cache; the previous value is restored and the folder removed
 * after the block.
 * @param prefix - the start of the folder's name
 * @returns the folder's path, once the block has started
 */
export function temporaryCacheDir(prefix = 'neural-cache-spec-'): () => string {
  const folder = temporaryFolder(prefix);
  let previous: string | undefined;
  before(function () {
    previous = process.env.NEURAL_CACHE_DIR;
    process.env.NEURAL_CACHE_DIR = folder();
  });
  after(function () {
    if (previous === undefined) delete process.env.NEURAL_CACHE_DIR;
    else process.env.NEURAL_CACHE_DIR = previous;
  });
  return folder;
}

/**
 * Runs `body` with these environment variables set (`undefined`: unset), then
 * puts the previous values back: at once for a synchronous body, when its
 * Promise settles for an asynchronous one.
 * @param env - the variables and their values for the call
 * @param body - what to run
 * @returns what `body` returns
 */
export function withEnv<T>(env: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  let result: T;
  try {
    result = body();
  } catch (error) {
    apply(saved);
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => apply(saved)) as T;
  apply(saved);
  return result;
}

/** Silences `console.log` for every test of the enclosing `describe` block (what examples print is not checked there). */
export function silenceConsoleLog(): void {
  let log: typeof console.log;
  beforeEach(() => {
    log = console.log;
    console.log = () => undefined;
  });
  afterEach(() => {
    console.log = log;
  });
}
