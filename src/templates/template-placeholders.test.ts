import { describe, expect, it } from 'vitest';
import { resolveServerPlaceholders } from './template-placeholders.js';

describe('resolveServerPlaceholders', () => {
  const http = { description: 'Web Page Check - {serverUrl}/healthz', settings: JSON.stringify({ url: '{serverUrl}/healthz', timeoutSeconds: 10 }) };
  const tcp = { description: 'TCP Service Check - {serverHost}:{serverPort}', settings: JSON.stringify({ host: '{serverHost}', port: '{serverPort}' }) };

  it('fills in the server URL, host and port (a whole-value port as a number)', () => {
    expect(resolveServerPlaceholders(http, 'https://rmm.example.com/')).toEqual({
      description: 'Web Page Check - https://rmm.example.com/healthz',
      settings: JSON.stringify({ url: 'https://rmm.example.com/healthz', timeoutSeconds: 10 }),
    });
    expect(resolveServerPlaceholders(tcp, 'http://10.0.0.5:8080')).toEqual({
      description: 'TCP Service Check - 10.0.0.5:8080',
      settings: JSON.stringify({ host: '10.0.0.5', port: 8080 }),
    });
  });

  it('takes the port from the scheme when the URL has none, and unbrackets an IPv6 host', () => {
    expect(JSON.parse(resolveServerPlaceholders(tcp, 'https://rmm.example.com').settings)).toEqual({ host: 'rmm.example.com', port: 443 });
    expect(JSON.parse(resolveServerPlaceholders(tcp, 'http://[::1]').settings)).toEqual({ host: '::1', port: 80 });
  });

  it('leaves a check without placeholders as it is', () => {
    const disk = { description: 'Disk Space Check - /', settings: '{"path":"/","minFreePercent":10}' };
    expect(resolveServerPlaceholders(disk, 'https://rmm.example.com')).toBe(disk);
  });
});
