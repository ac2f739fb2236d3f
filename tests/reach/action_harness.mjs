// Runs a composite action.yml the way the GitHub runner does, for tests (tests/reach/action_harness.sh):
//   node action_harness.mjs --action DIR --table TABLE.json --result RESULT.json
// TABLE: { "inputs": {...}, "runner": {"os","arch","temp","tool_cache"}, "workspace": DIR,
//          "cache_dir": DIR (the emulated actions/cache store), "env": {...} }
// - action.yml is parsed with the pinned `yaml` package (tests/ci-tools, found via RELGATE_CI_TOOLS).
// - `${{ }}` in env:/with:/outputs: is evaluated against inputs (declared ones only; defaults
//   applied), github.action_path/workspace, runner.*, steps.<id>.outputs.* and env.*; a `${{` inside
//   a run: script is refused (inputs must reach shell through env).
// - `if:` is evaluated with success()/failure()/always()/cancelled(), ==, !=, &&, ||, ! (string
//   comparison ignores case, as GitHub's); no status function means success() && (expr).
// - run: steps execute as `bash --noprofile --norc -e -o pipefail FILE` with a fresh GITHUB_OUTPUT per
//   step (parsed like the runner: k=v, k<<DELIM; a missing delimiter fails the step),
//   GITHUB_STEP_SUMMARY, GITHUB_ENV and GITHUB_PATH applied to the steps after.
// - uses: actions/cache/restore|save@<40-hex SHA> is emulated with a folder per key in cache_dir
//   (exact key match, key <= 512 chars and no comma, immutable entries); any other uses: is an error.
// Exit 0 when every step succeeded, 1 otherwise; RESULT holds outputs, steps, PATH additions,
// annotations and cache events.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing ${name}`);
  return process.argv[i + 1];
}
const actionDir = path.resolve(arg('--action'));
const table = JSON.parse(fs.readFileSync(arg('--table'), 'utf8'));
const resultPath = arg('--result');
const tools = process.env.RELGATE_CI_TOOLS;
if (!tools) throw new Error('RELGATE_CI_TOOLS unset (folder with node_modules/yaml)');
const YAML = createRequire(path.resolve(tools, 'package.json'))('yaml');

const action = YAML.parse(fs.readFileSync(path.join(actionDir, 'action.yml'), 'utf8'));
if (action?.runs?.using !== 'composite') throw new Error('action.yml: runs.using is not composite');

// Inputs: declared ones only, defaults applied (the runner passes defaults for unset inputs).
const declared = action.inputs ?? {};
const inputs = {};
for (const [name, spec] of Object.entries(declared)) inputs[name.toLowerCase()] = String(spec?.default ?? '');
for (const [name, value] of Object.entries(table.inputs ?? {})) {
  if (!(name in declared)) throw new Error(`input '${name}' is not declared in action.yml`);
  inputs[name.toLowerCase()] = String(value);
}
for (const [name, spec] of Object.entries(declared)) {
  if (spec?.required && !(name in (table.inputs ?? {}))) console.error(`harness: warning: required input '${name}' not given`);
}

const runner = table.runner;
const workspace = path.resolve(table.workspace);
const work = fs.mkdtempSync(path.join(runner.temp, '_runner_file_commands-'));
const summaryFile = path.join(work, 'step_summary');
fs.writeFileSync(summaryFile, '');

const stepOutputs = {}; // id -> {key: value}
const stepStatus = {}; // id -> {outcome, conclusion}
const envAdded = {};
const pathAdded = [];
const annotations = [];
const cacheEvents = [];
const stepsRun = [];
let failed = false;

// ---- expressions -------------------------------------------------------------------------------
function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '&&', '||'].includes(two)) { tokens.push({ op: two }); i += 2; continue; }
    if ('!()'.includes(c)) { tokens.push({ op: c }); i++; continue; }
    if (c === "'") {
      let j = i + 1, s = '';
      for (;;) {
        if (j >= text.length) throw new Error(`unterminated string in '${text}'`);
        if (text[j] === "'") { if (text[j + 1] === "'") { s += "'"; j += 2; continue; } break; }
        s += text[j++];
      }
      tokens.push({ str: s }); i = j + 1; continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i));
    if (!m) throw new Error(`unsupported expression syntax at '${text.slice(i)}'`);
    tokens.push({ id: m[0] }); i += m[0].length;
  }
  return tokens;
}

function lookup(name, env) {
  const parts = name.split('.');
  const root = parts[0];
  if (root === 'true') return true;
  if (root === 'false') return false;
  if (root === 'inputs' && parts.length === 2) {
    const key = parts[1].toLowerCase();
    if (!(key in inputs)) throw new Error(`expression uses undeclared input '${parts[1]}'`);
    return inputs[key];
  }
  if (root === 'github' && parts.length === 2) {
    const github = { action_path: actionDir, workspace };
    if (!(parts[1] in github)) throw new Error(`unsupported context github.${parts[1]}`);
    return github[parts[1]];
  }
  if (root === 'runner' && parts.length === 2) {
    if (!(parts[1] in runner)) throw new Error(`unsupported context runner.${parts[1]}`);
    return runner[parts[1]];
  }
  if (root === 'steps' && parts.length === 4 && parts[2] === 'outputs') return stepOutputs[parts[1]]?.[parts[3]] ?? '';
  if (root === 'steps' && parts.length === 3 && ['outcome', 'conclusion'].includes(parts[2]))
    return stepStatus[parts[1]]?.[parts[2]] ?? '';
  if (root === 'env' && parts.length === 2) return env?.[parts[1]] ?? '';
  throw new Error(`unsupported expression value '${name}'`);
}

function evaluate(text, env) {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const truthy = v => v !== '' && v !== false && v !== 0 && v !== null && v !== undefined;
  const usedStatus = { used: false };
  function primary() {
    const t = tokens[pos++];
    if (!t) throw new Error(`unexpected end of '${text}'`);
    if (t.op === '!') return !truthy(primary());
    if (t.op === '(') { const v = or(); expect(')'); return v; }
    if (t.str !== undefined) return t.str;
    if (t.id !== undefined) {
      if (peek()?.op === '(') {
        pos++; expect(')');
        usedStatus.used = true;
        switch (t.id) {
          case 'success': return !failed;
          case 'failure': return failed;
          case 'always': return true;
          case 'cancelled': return false;
          default: throw new Error(`unsupported function ${t.id}()`);
        }
      }
      return lookup(t.id, env);
    }
    throw new Error(`unexpected '${t.op}' in '${text}'`);
  }
  function expect(op) { if (tokens[pos++]?.op !== op) throw new Error(`expected '${op}' in '${text}'`); }
  function cmp() {
    let left = primary();
    while (peek()?.op === '==' || peek()?.op === '!=') {
      const op = tokens[pos++].op;
      const right = primary();
      const eq = String(left).toLowerCase() === String(right).toLowerCase();
      left = op === '==' ? eq : !eq;
    }
    return left;
  }
  function and() { let v = cmp(); while (peek()?.op === '&&') { pos++; const r = cmp(); v = truthy(v) ? r : v; } return v; }
  function or() { let v = and(); while (peek()?.op === '||') { pos++; const r = and(); v = truthy(v) ? v : r; } return v; }
  const value = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in '${text}'`);
  return { value, truthy: truthy(value), usedStatus: usedStatus.used };
}

function substitute(value, env) {
  if (value === null || value === undefined) return '';
  return String(value).replace(/\$\{\{(.*?)\}\}/gs, (_, expr) => {
    const v = evaluate(expr.trim(), env).value;
    return typeof v === 'boolean' ? String(v) : String(v);
  });
}

function condition(step, env) {
  if (step.if === undefined || step.if === null) return !failed;
  let text = String(step.if).trim();
  const m = /^\$\{\{(.*)\}\}$/s.exec(text);
  if (m) text = m[1].trim();
  const r = evaluate(text, env);
  return r.usedStatus ? r.truthy : !failed && r.truthy;
}

// ---- file commands -----------------------------------------------------------------------------
function parseKeyValueFile(file, what) {
  const out = {};
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const eq = line.indexOf('='), heredoc = line.indexOf('<<');
    if (heredoc >= 0 && (eq < 0 || heredoc < eq)) {
      const key = line.slice(0, heredoc), delimiter = line.slice(heredoc + 2);
      if (!key || !delimiter) throw new Error(`${what}: invalid line '${line}'`);
      const body = [];
      for (i++; ; i++) {
        if (i >= lines.length) throw new Error(`${what}: Invalid value. Matching delimiter not found '${delimiter}'`);
        if (lines[i] === delimiter) break;
        body.push(lines[i]);
      }
      out[key] = body.join('\n');
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new Error(`${what}: invalid line '${line}'`);
    }
  }
  return out;
}

// Workflow commands on stdout and stderr (the runner reads both): collected for the assertions.
function collectAnnotations(text, stepId) {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    const m = /^::(error|warning|notice)( [^:]*)?::(.*)$/i.exec(line);
    if (m) annotations.push({ step: stepId, level: m[1].toLowerCase(), message: m[3].replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%') });
  }
}

// ---- actions/cache emulation -------------------------------------------------------------------
function cacheFolder(key) {
  if (!key || key.length > 512 || key.includes(',')) throw new Error(`actions/cache: invalid key '${key}' (<= 512 chars, no commas)`);
  return path.join(table.cache_dir, encodeURIComponent(key));
}
function cachePaths(withPath) {
  const paths = String(withPath ?? '').split('\n').map(s => s.trim()).filter(Boolean);
  if (!paths.length) throw new Error('actions/cache: no path');
  for (const p of paths) if (!path.isAbsolute(p)) throw new Error(`actions/cache: harness supports absolute paths only, got '${p}'`);
  return paths;
}
function copyTree(from, to) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const r = spawnSync('cp', ['-a', '--', from, to]);
  if (r.status !== 0) throw new Error(`cp -a ${from} ${to} failed: ${r.stderr}`);
}
function runUses(step, withValues) {
  const m = /^actions\/cache\/(restore|save)@([0-9a-f]{40})$/.exec(step.uses);
  if (!m) throw new Error(`harness emulates only actions/cache/restore|save pinned by a 40-hex SHA, not '${step.uses}'`);
  if (withValues['restore-keys'] || withValues['lookup-only'] === 'true') throw new Error('actions/cache: restore-keys/lookup-only not emulated');
  const key = withValues.key;
  const folder = cacheFolder(key);
  const paths = cachePaths(withValues.path);
  if (m[1] === 'restore') {
    const hit = fs.existsSync(folder);
    if (hit) paths.forEach((p, i) => { if (fs.existsSync(path.join(folder, String(i)))) copyTree(path.join(folder, String(i)), p); });
    cacheEvents.push({ op: 'restore', key, hit });
    console.log(hit ? `Cache restored from key: ${key}` : `Cache not found for input keys: ${key}`);
    return { 'cache-hit': hit ? 'true' : 'false', 'cache-primary-key': key, 'cache-matched-key': hit ? key : '' };
  }
  if (fs.existsSync(folder)) {
    console.log(`::warning::Cache save failed: a cache entry for key ${key} already exists (immutable)`);
    cacheEvents.push({ op: 'save', key, saved: false });
    return {};
  }
  if (!paths.some(p => fs.existsSync(p))) {
    console.log('::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.');
    cacheEvents.push({ op: 'save', key, saved: false });
    return {};
  }
  fs.mkdirSync(folder, { recursive: true });
  paths.forEach((p, i) => { if (fs.existsSync(p)) copyTree(p, path.join(folder, String(i))); });
  cacheEvents.push({ op: 'save', key, saved: true });
  console.log(`Cache saved with key: ${key}`);
  return {};
}

// ---- the steps ---------------------------------------------------------------------------------
const baseEnv = { ...process.env };
for (const k of Object.keys(baseEnv)) if (/^(GITHUB_|RUNNER_)/.test(k) || k === 'RELGATE_CI_TOOLS') delete baseEnv[k];
Object.assign(baseEnv, table.env ?? {}, {
  CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, GITHUB_ACTION_PATH: actionDir,
  RUNNER_OS: runner.os, RUNNER_ARCH: runner.arch, RUNNER_TEMP: runner.temp, RUNNER_TOOL_CACHE: runner.tool_cache,
});

let exitCode = 0;
(action.runs.steps ?? []).forEach((step, index) => {
  const id = step.id ?? `__${index}`;
  const record = { id, name: step.name ?? id, outcome: 'skipped' };
  stepsRun.push(record);
  const jobEnv = { ...baseEnv, ...envAdded };
  if (!condition(step, jobEnv)) { stepStatus[id] = { outcome: 'skipped', conclusion: 'skipped' }; return; }
  try {
    if (step.uses) {
      const withValues = {};
      for (const [k, v] of Object.entries(step.with ?? {})) withValues[k] = substitute(v, jobEnv);
      stepOutputs[id] = runUses(step, withValues);
      record.outcome = 'success';
    } else {
      if (step.shell !== 'bash') throw new Error(`step ${id}: shell must be bash (got '${step.shell}')`);
      const script = String(step.run ?? '');
      if (script.includes('${{')) throw new Error(`step ${id}: an expression inside run: (inputs must reach the script through env:)`);
      const stepEnv = { ...jobEnv };
      for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = substitute(v, jobEnv);
      const files = {};
      for (const name of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH']) {
        files[name] = path.join(work, `${name.toLowerCase()}_${index}`);
        fs.writeFileSync(files[name], '');
        stepEnv[name] = files[name];
      }
      stepEnv.GITHUB_STEP_SUMMARY = summaryFile;
      stepEnv.PATH = [...pathAdded].reverse().concat(stepEnv.PATH ?? '').join(':');
      const scriptFile = path.join(work, `step_${index}.sh`);
      fs.writeFileSync(scriptFile, script);
      const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', scriptFile],
        { cwd: workspace, env: stepEnv, encoding: 'utf8', maxBuffer: 64 << 20 });
      process.stdout.write(r.stdout ?? '');
      process.stderr.write(r.stderr ?? '');
      collectAnnotations(`${r.stdout ?? ''}\n${r.stderr ?? ''}`, id);
      record.exit_code = r.status ?? 128;
      stepOutputs[id] = parseKeyValueFile(files.GITHUB_OUTPUT, `step ${id} GITHUB_OUTPUT`);
      Object.assign(envAdded, parseKeyValueFile(files.GITHUB_ENV, `step ${id} GITHUB_ENV`));
      for (const line of fs.readFileSync(files.GITHUB_PATH, 'utf8').split('\n')) if (line.trim()) pathAdded.push(line.trim());
      if (r.status !== 0) throw Object.assign(new Error(`step ${id} exited ${record.exit_code}`), { exitCode: record.exit_code });
      record.outcome = 'success';
    }
  } catch (error) {
    record.outcome = 'failure';
    record.error = error.message;
    console.error(`harness: ${error.message}`);
    failed = true;
    if (!exitCode) exitCode = error.exitCode ?? 1;
  }
  stepStatus[id] = { outcome: record.outcome, conclusion: record.outcome };
});

const outputs = {};
for (const [name, spec] of Object.entries(action.outputs ?? {})) outputs[name] = substitute(spec?.value, { ...baseEnv, ...envAdded });

fs.writeFileSync(resultPath, JSON.stringify({
  conclusion: failed ? 'failure' : 'success',
  exit_code: exitCode,
  outputs, steps: stepsRun, step_outputs: stepOutputs, path_added: pathAdded, env_added: envAdded,
  annotations, cache_events: cacheEvents, summary: fs.readFileSync(summaryFile, 'utf8'),
}, null, 2));
process.exit(failed ? 1 : 0);
