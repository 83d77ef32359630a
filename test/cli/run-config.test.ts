import { describe, it, expect } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRunConfig } from '../../src/pipeline/launch.js';
import { InputError } from '../../src/errors.js';

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'schemacrew-cfg-'));
  const file = path.join(dir, 'schemacrew.yaml');
  await writeFile(file, text);
  return file;
}

describe('run config file', () => {
  it('accepts the shipped example', async () => {
    const cfg = await loadRunConfig(path.resolve('schemacrew.example.yaml'));
    expect(cfg.persona).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(cfg.gate?.maxRevisions).toBe(2);
    expect(cfg.maxCostUsd).toBe(2);
  });

  it('names the file and the line of a bad value', async () => {
    const file = await configFile('persona:\n  provider: openai\n  model: gpt-4o-mini\ngate:\n  maxRevisions: -1\n');
    const err = await loadRunConfig(file).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: gate\\.maxRevisions`));
  });

  it('names the line of a YAML syntax error and rejects unknown keys', async () => {
    const bad = await loadRunConfig(await configFile('persona:\n  provider: [openai\n')).catch((e) => e);
    expect(bad.message).toMatch(/schemacrew\.yaml:\d+: /);
    const unknown = await loadRunConfig(await configFile('persona:\n  provider: openai\nmodels: 3\n')).catch((e) => e);
    expect(unknown.message).toMatch(/Unrecognized key.*models/);
  });
});
