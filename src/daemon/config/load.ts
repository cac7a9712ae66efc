// Config and session loading: read, parse (YAML or JSON), validate, and turn every problem into a
// one-line error that names the file, the key path, what was found and what was expected.
import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { SessionSchema, defaultSession, type Session } from '../../engine/session/schema.js';
import { ConfigSchema, type Config } from './schema.js';

export interface ConfigError {
  /** The file as the caller named it (or as resolved from the config for a session file). */
  file: string;
  /** Key path with dots and [index], e.g. "strips[2].pan"; "" for whole-file problems. */
  path: string;
  found: string;
  expected: string;
  /** Everything after "file: path: " in the formatted line. */
  message: string;
}

export type LoadConfigResult =
  { ok: true; config: Config; session: Session; sessionFile?: string } | { ok: false; errors: ConfigError[] };

export type LoadSessionResult =
  { ok: true; session: Session; sessionFile: string } | { ok: false; errors: ConfigError[] };

type ReadResult = { ok: true; value: unknown } | { ok: false; errors: ConfigError[] };

/** One line: "file: path: message", or "file: message" when the problem is not tied to a key. */
export function formatConfigError(e: ConfigError): string {
  return e.path === '' ? `${e.file}: ${e.message}` : `${e.file}: ${e.path}: ${e.message}`;
}

export function loadConfig(file: string): LoadConfigResult {
  const doc = readDocument(file);
  if (!doc.ok) return doc;
  // An empty (or comments-only) file means "all defaults".
  const raw = doc.value ?? {};
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true });
  const errors = parsed.success ? [] : issuesToErrors(file, parsed.error.issues);

  // A session path is followed even when the config has other errors, so one run reports everything.
  const ref = isRecord(raw) ? raw['session'] : undefined;
  let fromFile: { session: Session; sessionFile: string } | undefined;
  if (typeof ref === 'string' && ref !== '') {
    const loaded = loadSessionFile(isAbsolute(ref) ? ref : join(dirname(file), ref));
    if (loaded.ok) fromFile = loaded;
    else errors.push(...loaded.errors);
  }

  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  const config = parsed.data;
  if (fromFile) return { ok: true, config, session: fromFile.session, sessionFile: fromFile.sessionFile };
  const inline = typeof config.session === 'object' ? config.session : undefined;
  return { ok: true, config, session: inline ?? defaultSession() };
}

export function loadSessionFile(file: string): LoadSessionResult {
  const doc = readDocument(file);
  if (!doc.ok) return doc;
  const parsed = SessionSchema.safeParse(doc.value, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: issuesToErrors(file, parsed.error.issues) };
  return { ok: true, session: parsed.data, sessionFile: file };
}

function readDocument(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = ioReason(err);
    return fail(file, reason, 'a readable file', `cannot read file: ${reason}`);
  }
  // Editors on some platforms prepend a BOM; JSON.parse would choke on it.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.trim() === '') return { ok: true, value: undefined };
  const ext = extname(file).toLowerCase();
  // Anything not .json goes through YAML, which also accepts JSON.
  return ext === '.json' ? parseJson(file, text) : parseYaml(file, text);
}

function parseYaml(file: string, text: string): ReadResult {
  const lineCounter = new LineCounter();
  // prettyErrors off: we add line/column ourselves and keep yaml's message to a single line.
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        const found = `a YAML syntax error at line ${line}, column ${col}`;
        return error(file, '', found, 'valid YAML', `found ${found}: ${oneLine(e.message)}`);
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS() };
  } catch (err) {
    // toJS throws for semantic problems the parser lets through, e.g. an alias to an undefined anchor.
    const msg = oneLine(err instanceof Error ? err.message : String(err));
    return fail(file, 'an invalid YAML document', 'valid YAML', `found an invalid YAML document: ${msg}`);
  }
}

function parseJson(file: string, text: string): ReadResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    // V8 appends "in JSON at position N" (plus "(line L column C)" on newer Node) or quotes the source;
    // normalise to our own "at line L, column C" so the wording is the same across Node versions.
    const at = /^(.*?) in JSON at position (\d+)/s.exec(raw);
    if (at) {
      const offset = Number(at[2]);
      const before = text.slice(0, offset).split('\n');
      const line = before.length;
      const col = (before.at(-1)?.length ?? 0) + 1;
      const found = `a JSON syntax error at line ${line}, column ${col}`;
      return fail(file, found, 'valid JSON', `found ${found}: ${oneLine(at[1] ?? raw)}`);
    }
    const msg = oneLine(raw.replace(/, ".*" is not valid JSON$/s, ''));
    return fail(file, 'a JSON syntax error', 'valid JSON', `found a JSON syntax error: ${msg}`);
  }
}

function issuesToErrors(file: string, issues: readonly z.core.$ZodIssue[]): ConfigError[] {
  const out: ConfigError[] = [];
  const seen = new Set<string>();
  const add = (e: ConfigError): void => {
    // One value can break several checks with the same wording (e.g. 5000 is both too big and not a
    // power of two): report it once.
    const key = `${e.path}\0${e.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      // The schema's message for this code is the list of known keys (see strictSection).
      for (const key of iss.keys) {
        add(
          error(
            file,
            formatPath([...iss.path, key]),
            'unknown key',
            iss.message,
            `unknown key (expected ${iss.message})`,
          ),
        );
      }
      continue;
    }
    const found = renderValue(iss.input);
    add(error(file, formatPath(iss.path), found, iss.message, `found ${found}, expected ${iss.message}`));
  }
  return out;
}

/** ["strips", 2, "pan"] -> "strips[2].pan"; odd keys are quoted: audio["my key"]. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

const MAX_FOUND = 60;

/** Compact JSON-ish rendering of an offending value; "nothing" for a missing one. */
function renderValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    // JSON turns infinities into null; keep them readable instead.
    s =
      nonFinite(v) ??
      JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? (nonFinite(x) ?? x) : x)) ??
      typeof v;
  } catch {
    // Parsed YAML/JSON is always serialisable; this only guards against exotic values (bigint, cycles).
    s = typeof v;
  }
  return s.length > MAX_FOUND ? `${s.slice(0, MAX_FOUND - 3)}...` : s;
}

function nonFinite(n: unknown): string | undefined {
  if (typeof n !== 'number') return undefined;
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return undefined;
}

/** "ENOENT: no such file or directory, open 'x'" -> "ENOENT: no such file or directory". */
function ioReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return /^(E[A-Z]+: [^,]*)/.exec(msg)?.[1] ?? oneLine(msg);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function error(file: string, path: string, found: string, expected: string, message: string): ConfigError {
  return { file, path, found, expected, message };
}

function fail(
  file: string,
  found: string,
  expected: string,
  message: string,
): { ok: false; errors: ConfigError[] } {
  return { ok: false, errors: [error(file, '', found, expected, message)] };
}
