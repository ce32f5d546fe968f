import { describe, expect, it } from 'vitest';
import { CommandAck } from '../agent-protocol/protocol.schema.js';
import { Prng } from '../seed/prng.js';
import { acknowledgePatchCommand } from './simulated-patch-commands.js';

const NOW = 1_796_000_000;
const command = (kind: string, params: Record<string, string | number>) => ({ id: 7, kind, params, createdAt: NOW, expiresAt: NOW + 3600 });
const others = () => [{ key: 'KB1', title: 'Other update', product: 'Windows', severity: 2, status: 'missing' as const, installedAt: null }];

describe('acknowledgePatchCommand', () => {
  it('answers patch_reprocess / patch_retry with a whole patch snapshot showing the patch installed, or failed again now and then', () => {
    const rng = new Prng(42);
    const outcomes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const ack = acknowledgePatchCommand(command(i % 2 ? 'patch_retry' : 'patch_reprocess', { patchid: 3, patchKey: 'KB9', title: 'Update KB9' }), others, rng, NOW)!;
      expect(CommandAck.parse(ack)).toEqual(ack);
      const patch = ack.report!.patches!.find((p) => p.key === 'KB9')!;
      expect(ack.report!.patches!.map((p) => p.key)).toEqual(['KB1', 'KB9']);
      expect(patch.status).toBe(ack.outcome === 'succeeded' ? 'installed' : 'failed');
      expect(patch.installedAt).toBe(ack.outcome === 'succeeded' ? NOW : null);
      outcomes.add(ack.outcome);
    }
    expect([...outcomes].sort()).toEqual(['failed', 'succeeded']);
  });

  it('fails a patch without an agent key and leaves other kinds to the caller', () => {
    expect(acknowledgePatchCommand(command('patch_retry', { patchid: 3, patchKey: '', title: 'Seeded' }), others, new Prng(1), NOW)).toEqual({ outcome: 'failed', message: 'The patch has no agent key: this device never reported it' });
    expect(acknowledgePatchCommand(command('run_check', { checkId: 1 }), others, new Prng(1), NOW)).toBeUndefined();
  });
});
