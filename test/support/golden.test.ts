import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkGoldenFile } from './golden.js';

const BOTH = ['sqlite', 'postgres'] as const;

describe('the golden file rule', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-golden-'));
    file = join(dir, 'list_x.xml');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets only the first dialect of the run write, with update on', () => {
    checkGoldenFile(file, '<a/>', 'sqlite', true, BOTH);
    expect(readFileSync(file, 'utf8')).toBe('<a/>');
    checkGoldenFile(file, '<a/>', 'postgres', true, BOTH);
  });

  it('makes a later dialect that answers other bytes fail, and leaves the file as the first wrote it', () => {
    checkGoldenFile(file, '<a/>', 'sqlite', true, BOTH);
    expect(() => checkGoldenFile(file, '<b/>', 'postgres', true, BOTH)).toThrow(/list_x\.xml on postgres/);
    expect(readFileSync(file, 'utf8')).toBe('<a/>');
  });

  it('never writes a missing file from a later dialect', () => {
    expect(() => checkGoldenFile(file, '<a/>', 'postgres', true, BOTH)).toThrow(/No golden file/);
  });

  it('only compares without update, whichever dialect runs first', () => {
    writeFileSync(file, '<a/>');
    expect(() => checkGoldenFile(file, '<b/>', 'sqlite', false, BOTH)).toThrow(/list_x\.xml on sqlite/);
    expect(readFileSync(file, 'utf8')).toBe('<a/>');
    checkGoldenFile(file, '<a/>', 'postgres', false, ['postgres']);
  });
});
