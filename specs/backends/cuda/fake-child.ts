/**
 * The child process of fake-driver.spec.ts: runs every check of
 * fake-checks.ts in order (those of `stubChecks` when argv[2] is `stub`) and
 * prints one JSON line, `{ [name]: error | null }`.
 */
import { checks, stubChecks } from './fake-checks.js';

const results: Record<string, string | null> = {};
for (const [name, check] of Object.entries(process.argv[2] === 'stub' ? stubChecks : checks)) {
  try {
    await check();
    results[name] = null;
  } catch (error) {
    results[name] = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  }
}
console.log(JSON.stringify(results));
