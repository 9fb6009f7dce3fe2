/**
 * Writes docs/models.md: for every library model, its description, units and
 * references from the TSDoc of its class and fields in lib/models/*.ts (read
 * with the TypeScript compiler API), its equations in LaTeX
 * (inspect(...).toTex()), and the update rule chosen for each state.
 * `modelsDoc()` returns the page without writing it (a spec compares it with
 * docs/models.md).
 *
 * Run: npm run models-doc
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { inspect, models, readModel } from 'neural-ts';

/** The repository, from dist/examples/ (compiled) or examples/. */
const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../..' : '..', import.meta.url));
/** The files of the model library, in the order their models are listed. */
const SOURCES = [['Neurons', 'lib/models/neurons.ts'], ['Spiking neurons and sources', 'lib/models/spiking.ts'], ['Synapses', 'lib/models/synapses.ts'], ['Networks: the models of the standard benchmarks', 'lib/models/networks.ts']] as const;

/** A doc comment: its text (markdown) and its block tags. */
interface Doc {
  text: string;
  tags: { name: string; text: string }[];
}

/** The last `/** … *\/` comment before a node, or undefined. */
function docOf(source: string, node: ts.Node): Doc | undefined {
  const ranges = ts.getLeadingCommentRanges(source, node.getFullStart()) ?? [];
  const raw = ranges.filter((r) => source.startsWith('/**', r.pos)).pop();
  if (!raw) return undefined;
  const lines = source
    .slice(raw.pos + 3, raw.end - 2)
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').trimEnd());
  const text: string[] = [];
  const tags: { name: string; text: string }[] = [];
  for (const line of lines) {
    const tag = /^@(\w+)\s*(.*)$/.exec(line);
    if (tag) tags.push({ name: tag[1], text: tag[2] });
    else if (tags.length) tags[tags.length - 1].text += `\n${line}`;
    else text.push(line);
  }
  return { text: text.join('\n').trim(), tags: tags.map((t) => ({ name: t.name, text: t.text.trim() })) };
}

/** `{@link X}` as a link to the section of model X, `{@link X.y}` and others as code. */
function links(text: string, names: ReadonlySet<string>): string {
  return text.replace(/\{@link\s+([^}|\s]+)\s*(?:\|\s*([^}]*))?\}/g, (_, target: string, label?: string) => {
    if (label) return label.trim();
    return names.has(target) ? `[${target}](#${target.toLowerCase()})` : `\`${target}\``;
  });
}

/** A table cell: one line, `|` escaped. */
const cell = (text: string | undefined) => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

/** The TSDoc of each class and of its fields, by class name, and each file's module comment. */
function readSources() {
  const classes = new Map<string, { doc: Doc | undefined; fields: Map<string, string> }>();
  const modules: { title: string; names: string[]; doc: Doc | undefined }[] = [];
  for (const [title, path] of SOURCES) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
    const names: string[] = [];
    const shared = new Map<string, Map<string, string>>();
    let moduleDoc: Doc | undefined;
    for (const statement of file.statements) {
      // The module comment is the one that carries @module, before the first statement.
      if (!moduleDoc) {
        const first = docOf(text, statement);
        if (first?.tags.some((t) => t.name === 'module')) moduleDoc = first;
      }
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      const fields = new Map<string, string>();
      // A class of the same file that this one extends (a part two models share) gives its fields' docs first.
      const parent = statement.heritageClauses?.flatMap((h) => h.types.map((t) => t.expression.getText(file)))[0];
      const inherited = parent ? shared.get(parent) : undefined;
      if (inherited) for (const [k, v] of inherited) fields.set(k, v);
      for (const member of statement.members) {
        if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        if (ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
        const doc = docOf(text, member);
        if (doc) fields.set(member.name.text, doc.text);
      }
      shared.set(statement.name.text, fields);
      if (!ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      names.push(statement.name.text);
      classes.set(statement.name.text, { doc: docOf(text, statement), fields });
    }
    modules.push({ title, names, doc: moduleDoc });
  }
  return { classes, modules };
}

/** What the states the library adds to a model with a spike hold. */
const BUILTIN_STATES: Record<string, string> = {
  lastspike: 'Time of the last spike, in the model time unit (long before 0 until the first).',
  not_refractory: '1 out of the refractory period, 0 in it.',
};

/** A number as the page shows it (the shortest form that reads back exactly). */
const num = (x: number) => String(x);

/**
 * The page docs/models.md: the conventions of each file of the library, then
 * one section per model with its TSDoc, equations, states, parameters and
 * inputs.
 * @returns the markdown text
 * @throws when a model of `models` has no class in lib/models/*.ts, or its class no TSDoc
 */
export function modelsDoc(): string {
  const { classes, modules } = readSources();
  const all = models as unknown as Record<string, Parameters<typeof inspect>[0] & { originalStart?: Record<string, number> }>;
  const names = new Set(Object.keys(all));
  for (const name of names) {
    if (!classes.get(name)?.doc) throw new Error(`models-doc: models.${name} has no documented class in ${SOURCES.map(([, p]) => p).join(' or ')}.`);
  }
  const parts = [
    '# The model library',
    '',
    'Generated by `npm run models-doc` from the model classes: the text of each model is the TSDoc of its class and fields in `lib/models/`, the equations and update rules come from `inspect()`.',
    '',
  ];
  for (const m of modules) {
    parts.push(`- ${m.title}: ${m.names.filter((n) => names.has(n)).map((n) => `[${n}](#${n.toLowerCase()})`).join(', ')}`);
  }
  parts.push('');
  for (const m of modules) {
    if (m.doc?.text) parts.push(`## ${m.title}: conventions`, '', links(m.doc.text, names), '');
  }
  for (const m of modules) {
    for (const name of m.names.filter((n) => names.has(n))) {
      const model = all[name];
      const { doc, fields } = classes.get(name)!;
      const s = inspect(model);
      const spec = readModel(model);
      parts.push(`## ${name}`, '', links(doc!.text, names), '');
      for (const tag of doc!.tags) {
        if (tag.name === 'example') parts.push(`Example: ${links(tag.text, names)}`, '');
        else parts.push(`${tag.name[0].toUpperCase()}${tag.name.slice(1)}: ${links(tag.text, names)}`, '');
      }
      parts.push(`Time scale: ${spec.timeScale} (${spec.timeScale === 1e3 ? 'equations per millisecond' : spec.timeScale === 1 ? 'equations per second' : `${spec.timeScale} model time units per second`}; dt is given in seconds).`, '');
      parts.push('$$', s.toTex(), '$$', '');
      // The unit of each variable, where the model declares units.
      const unit = (n: string) => (spec.units ? ` | ${spec.units.fields[n] ?? ''}` : '');
      const unitHead = spec.units ? ' | unit' : '';
      const unitRule = spec.units ? '|---' : '';
      if (spec.units) parts.push(`Units: the equations are in ${spec.units.time} and the units below; they are checked dimensionally, and constants with units are numbers in them.`, '');
      parts.push(`| state | initial${unitHead} | bounds | update rule | description |`, `|---|---${unitRule}|---|---|---|`);
      for (const st of spec.states) {
        const rule = st.builtin ? 'set by the spike' : s.solver(st.name) === 'none' ? 'post only' : s.solver(st.name);
        const text = st.builtin ? BUILTIN_STATES[st.name] : fields.get(st.name);
        parts.push(`| ${st.name} | ${num(st.initial)}${unit(st.name)} | ${st.bounds ? `[${st.bounds.map(num).join(', ')}]` : ''} | ${rule} | ${cell(links(text ?? '', names))} |`);
      }
      if (model.originalStart) {
        parts.push('', `Original start values (\`${name}.originalStart\`): ${Object.entries(model.originalStart).map(([k, v]) => `${k} = ${num(v)}`).join(', ')}.`);
      }
      if (spec.params.length) {
        parts.push('', `| parameter | default${unitHead} | description |`, `|---|---${unitRule}|---|`);
        for (const p of spec.params) parts.push(`| ${p.name} | ${num(p.value)}${unit(p.name)} | ${cell(links(fields.get(p.name) ?? '', names))} |`);
      }
      if (spec.inputs.length) {
        parts.push('', `| input | default${unitHead} | description |`, `|---|---${unitRule}|---|`);
        for (const p of spec.inputs) parts.push(`| ${p.name} | ${num(p.value)}${unit(p.name)} | ${cell(links(fields.get(p.name) ?? '', names))} |`);
      }
      parts.push('');
    }
  }
  return parts.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(join(ROOT, 'docs/models.md'), modelsDoc());
  console.log(`models-doc: wrote docs/models.md (${Object.keys(models).length} models)`);
}
