// Static checks of the GitHub files against action.yml (tests/reach/github_validate.sh):
//   node github_check.mjs --action action.yml --version V --step-outputs "a b c"
//        --workflow FILE... [--docs docs/ci-github.md --quoted-from FILE...]
// - action.yml: RELGATE_VERSION pinned = V (the CMake project version), every cache key names
//   relgate-V- or relgate-build-V- explicitly (no hashFiles), every output a step binary writes
//   (--step-outputs) is declared, no ${{ }} inside a run: script, third-party actions pinned by SHA.
// - each workflow: every `uses: relgate/relgate@vX` has X = V; every relgate step's `with:` keys
//   are inputs of action.yml (required ones given, `step` one of the steps); every
//   steps.<relgate step>.outputs.<k> is an output of action.yml; every needs.<job>.outputs.<k> names
//   a job in needs: with that output; no ${{ }} inside run:; third-party actions pinned by a
//   40-hex commit SHA (except the MAJOR_TAG_ALLOWED list, said in a comment on the line).
// - docs: every ```yaml block appears verbatim in one of the --quoted-from files.
// Prints one line per problem; exit 1 if any.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const YAML = createRequire(path.resolve(process.env.RELGATE_CI_TOOLS, 'package.json'))('yaml');
const argv = process.argv.slice(2);
const opts = { workflow: [], 'quoted-from': [] };
for (let i = 0; i < argv.length; i++) {
  const key = argv[i].replace(/^--/, '');
  if (Array.isArray(opts[key])) { while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) opts[key].push(argv[++i]); }
  else opts[key] = argv[++i];
}
const MAJOR_TAG_ALLOWED = new Set(['github/codeql-action/upload-sarif@v3']);
const STEPS = ['verify-signature', 'scan-gate', 'slo-check', 'promote', 'rollback', 'evidence', 'install'];
const problems = [];
const problem = (file, text) => problems.push(`${file}: ${text}`);

const actionText = fs.readFileSync(opts.action, 'utf8');
const action = YAML.parse(actionText);
const version = opts.version;
const inputs = action.inputs ?? {};
const outputs = action.outputs ?? {};

function checkUses(file, uses, rawLine) {
  if (uses === './' || uses.startsWith('./')) return;
  const m = /^relgate\/relgate@v(.+)$/.exec(uses);
  if (m) { if (m[1] !== version) problem(file, `uses: ${uses} is not the pinned version v${version}`); return; }
  if (/^[^@\s]+@[0-9a-f]{40}$/.test(uses)) return;
  if (MAJOR_TAG_ALLOWED.has(uses) && /#.*major tag/.test(rawLine ?? '')) return;
  problem(file, `uses: ${uses} is not pinned by a commit SHA`);
}
function rawUsesLine(text, uses) {
  return text.split('\n').find(l => l.includes(`uses: ${uses}`));
}
function checkRun(file, where, run) {
  if (run !== undefined && String(run).includes('${{')) problem(file, `${where}: \${{ }} inside run: (pass it through env:)`);
}

// ---- action.yml
const pinned = [];
for (const [i, step] of (action.runs?.steps ?? []).entries()) {
  const where = `runs.steps[${i}] (${step.name ?? step.id})`;
  checkRun(opts.action, where, step.run);
  if (step.uses) checkUses(opts.action, step.uses, rawUsesLine(actionText, step.uses));
  if (step.env?.RELGATE_VERSION !== undefined) pinned.push(String(step.env.RELGATE_VERSION));
  const key = step.with?.key;
  if (key !== undefined) {
    if (/hashFiles/.test(key)) problem(opts.action, `${where}: cache key uses hashFiles()`);
    if (!String(key).startsWith(`relgate-${version}-`) && !String(key).startsWith(`relgate-build-${version}-`))
      problem(opts.action, `${where}: cache key '${key}' does not name version ${version} explicitly`);
  }
}
if (pinned.length !== 1 || pinned[0] !== version) problem(opts.action, `pins RELGATE_VERSION ${JSON.stringify(pinned)}, the CMake project version is ${version}`);
for (const name of (opts['step-outputs'] ?? '').split(/\s+/).filter(Boolean)) {
  if (!(name in outputs)) problem(opts.action, `output '${name}' written by a step binary is not declared in outputs:`);
}
for (const [name, spec] of Object.entries(outputs)) {
  if (!/^\$\{\{ steps\.(run|install)\.outputs\.[A-Za-z0-9_-]+ \}\}$/.test(String(spec?.value ?? ''))) problem(opts.action, `output '${name}' has value '${spec?.value}'`);
}

// ---- workflows
for (const file of opts.workflow) {
  const text = fs.readFileSync(file, 'utf8');
  const workflow = YAML.parse(text);
  const jobs = workflow.jobs ?? {};
  for (const [jobId, job] of Object.entries(jobs)) {
    const needs = [].concat(job.needs ?? []);
    const relgateSteps = new Set();
    for (const [i, step] of (job.steps ?? []).entries()) {
      const where = `jobs.${jobId}.steps[${i}]`;
      checkRun(file, where, step.run);
      if (!step.uses) continue;
      checkUses(file, step.uses, rawUsesLine(text, step.uses));
      if (!(step.uses === './' || step.uses.startsWith('relgate/relgate@'))) continue;
      if (step.id) relgateSteps.add(step.id);
      const given = step.with ?? {};
      for (const key of Object.keys(given)) if (!(key in inputs)) problem(file, `${where}: input '${key}' is not declared in action.yml`);
      for (const [key, spec] of Object.entries(inputs)) if (spec?.required && !(key in given)) problem(file, `${where}: required input '${key}' missing`);
      if (given.step !== undefined && !STEPS.includes(String(given.step))) problem(file, `${where}: step '${given.step}' is not a relgate step`);
    }
    const jobText = JSON.stringify(job);
    for (const m of jobText.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      if (relgateSteps.has(m[1]) && !(m[2] in outputs)) problem(file, `jobs.${jobId}: steps.${m[1]}.outputs.${m[2]} is not an output of action.yml`);
    }
    for (const m of jobText.matchAll(/needs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      if (!needs.includes(m[1])) problem(file, `jobs.${jobId}: needs.${m[1]} but ${m[1]} is not in its needs:`);
      else if (!(m[2] in (jobs[m[1]]?.outputs ?? {}))) problem(file, `jobs.${jobId}: needs.${m[1]}.outputs.${m[2]} is not an output of job ${m[1]}`);
    }
  }
}

// ---- docs: YAML blocks are quotes of tested files
if (opts.docs) {
  const docs = fs.readFileSync(opts.docs, 'utf8');
  const sources = opts['quoted-from'].map(f => fs.readFileSync(f, 'utf8'));
  const blocks = [...docs.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map(m => m[1]);
  if (!blocks.length) problem(opts.docs, 'no ```yaml block found');
  for (const block of blocks) {
    if (!sources.some(s => s.includes(block))) problem(opts.docs, `a yaml block is not a verbatim quote of ${opts['quoted-from'].join(' or ')}:\n${block.split('\n').slice(0, 3).join('\n')}...`);
  }
}

for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
