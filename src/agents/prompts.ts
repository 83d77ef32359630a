// Prompt templates: every `<dir>/*.hbs` is a template (name = file stem), every
// `<dir>/partials/*.hbs` a partial (name = file stem). Each is compiled once, in strict mode
// (a missing variable is an error naming the template and the variable, never an empty
// string) and without HTML escaping (prompts are not HTML), on an isolated Handlebars
// instance with the helpers json, join, percent and eq.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { InputError } from '../errors.js';
import { repoRoot } from '../paths.js';

export const DEFAULT_PROMPTS_DIR = (): string => path.join(repoRoot(), 'prompts');

type HandlebarsInstance = ReturnType<typeof Handlebars.create>;
type Compiled = HandlebarsTemplateDelegate;

const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

interface Entry {
  name: string;
  file: string;
  source: string;
  compiled: Compiled;
  /** Partials referenced directly; undefined when a dynamic partial name makes it unknowable. */
  partials: string[] | undefined;
}

/** The last argument of a helper call is Handlebars' options object. */
function args(raw: unknown[]): unknown[] {
  return raw.slice(0, -1);
}

export function registerHelpers(hb: HandlebarsInstance): void {
  hb.registerHelper('json', (...raw: unknown[]) => {
    const [value, indent] = args(raw);
    return JSON.stringify(value, null, typeof indent === 'number' ? indent : 2) ?? 'null';
  });
  hb.registerHelper('join', (...raw: unknown[]) => {
    const [list, sep] = args(raw);
    if (!Array.isArray(list)) throw new Error(`join: expected a list, got ${list === null ? 'null' : typeof list}`);
    return list.join(typeof sep === 'string' ? sep : ', ');
  });
  hb.registerHelper('percent', (...raw: unknown[]) => {
    const [value, digits] = args(raw);
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`percent: expected a number, got ${JSON.stringify(value)}`);
    return `${(n * 100).toFixed(typeof digits === 'number' ? digits : 0)}%`;
  });
  hb.registerHelper('eq', (...raw: unknown[]) => {
    const [a, b] = args(raw);
    return a === b;
  });
}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return (rel.startsWith('..') ? file : rel).split(path.sep).join('/');
}

function partialNames(ast: unknown): string[] | undefined {
  const found = new Set<string>();
  let dynamic = false;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; name?: { type?: string; original?: unknown; value?: unknown } };
    if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') {
      const nm = n.name;
      if (nm?.type === 'PathExpression' && typeof nm.original === 'string') found.add(nm.original);
      else if (nm?.type === 'StringLiteral' && typeof nm.value === 'string') found.add(nm.value);
      else dynamic = true;
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') walk(v);
  };
  walk(ast);
  return dynamic ? undefined : [...found].filter((p) => p !== '@partial-block');
}

export class PromptLibrary {
  private readonly templates = new Map<string, Entry>();
  private readonly partialEntries = new Map<string, Entry>();

  private constructor(
    readonly dir: string,
    private readonly hb: HandlebarsInstance,
  ) {}

  /** Reads and compiles every template and partial of `dir` (default: prompts/ at the repo root). */
  static async load(dir: string = DEFAULT_PROMPTS_DIR()): Promise<PromptLibrary> {
    const hb = Handlebars.create();
    registerHelpers(hb);
    const lib = new PromptLibrary(path.resolve(dir), hb);
    const list = async (d: string) => {
      try {
        return (await readdir(d, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.hbs')).map((e) => e.name).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && d !== lib.dir) return [];
        throw new InputError(display(d), 'cannot read the prompts folder');
      }
    };
    for (const f of await list(path.join(lib.dir, 'partials'))) {
      const entry = await lib.compileFile(path.join(lib.dir, 'partials', f));
      lib.partialEntries.set(entry.name, entry);
      hb.registerPartial(entry.name, entry.compiled);
    }
    for (const f of await list(lib.dir)) {
      const entry = await lib.compileFile(path.join(lib.dir, f));
      lib.templates.set(entry.name, entry);
    }
    return lib;
  }

  private async compileFile(file: string): Promise<Entry> {
    const source = await readFile(file, 'utf8');
    const name = path.basename(file, '.hbs');
    let ast: hbs.AST.Program;
    try {
      ast = this.hb.parse(source);
    } catch (err) {
      throw new InputError(display(file), `template syntax error: ${(err as Error).message.split('\n')[0]}`);
    }
    return { name, file, source, compiled: this.hb.compile(ast, COMPILE_OPTIONS), partials: partialNames(ast) };
  }

  /** Template names (file stems), sorted. */
  names(): string[] {
    return [...this.templates.keys()].sort();
  }

  has(name: string): boolean {
    return this.templates.has(stem(name));
  }

  source(name: string): string {
    return this.entry(name).source;
  }

  /** Renders a template; a variable, partial or helper argument that is missing is an InputError. */
  render(name: string, vars: object): string {
    const e = this.entry(name);
    try {
      return e.compiled(vars);
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      const file = display(e.file);
      const missing = /^"([^"]+)" not defined in/.exec(msg);
      if (missing) {
        const line = (err as { lineNumber?: number }).lineNumber;
        const where = line !== undefined && e.partials?.length === 0 ? ` (line ${line})` : '';
        throw new InputError(file, `missing variable "${missing[1]}"${where}`);
      }
      const partial = /^The partial (.+) could not be found/.exec(msg);
      if (partial) throw new InputError(file, `missing partial "${partial[1]}" (expected ${display(path.join(this.dir, 'partials', `${partial[1]}.hbs`))})`);
      throw new InputError(file, msg.split('\n')[0]!);
    }
  }

  /** sha256 of the template source and of every partial it uses (transitively), for run metadata. */
  hash(name: string): string {
    const e = this.entry(name);
    const h = createHash('sha256');
    h.update(`template:${e.name}\u0000${e.source}`);
    for (const p of this.partialsUsed(e)) {
      h.update(`\u0000partial:${p}\u0000${this.partialEntries.get(p)?.source ?? ''}`);
    }
    return h.digest('hex');
  }

  /** hash() of every template. */
  hashes(): Record<string, string> {
    return Object.fromEntries(this.names().map((n) => [n, this.hash(n)]));
  }

  private partialsUsed(e: Entry): string[] {
    const seen = new Set<string>();
    const visit = (list: string[] | undefined): boolean => {
      if (list === undefined) return false;
      for (const p of list) {
        if (seen.has(p)) continue;
        seen.add(p);
        if (!visit(this.partialEntries.get(p)?.partials ?? [])) return false;
      }
      return true;
    };
    // A dynamic partial anywhere: any partial may be used, so all of them count.
    if (!visit(e.partials)) return [...this.partialEntries.keys()].sort();
    return [...seen].sort();
  }

  private entry(name: string): Entry {
    const e = this.templates.get(stem(name));
    if (!e) {
      throw new InputError(
        display(path.join(this.dir, `${stem(name)}.hbs`)),
        `no such prompt template (have: ${this.names().join(', ') || 'none'})`,
      );
    }
    return e;
  }
}

function stem(name: string): string {
  return name.endsWith('.hbs') ? name.slice(0, -4) : name;
}
