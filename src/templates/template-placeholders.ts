/**
 * Placeholders a template check's description and settings may hold for the server the agent reports to,
 * resolved when enrolment copies the check to a device (so every read, list_check_config and the agent's
 * config alike, answers the concrete values stored for the device):
 * `{serverUrl}` (no trailing slash), `{serverHost}` and `{serverPort}` (the URL's port, or 443/80 by scheme).
 * They let the built-in templates check something that exists wherever an agent runs: the server it
 * reports to. A setting that is exactly `{serverPort}` becomes a number.
 */
const PLACEHOLDER = /\{(serverUrl|serverHost|serverPort)\}/g;

type ServerValues = { serverUrl: string; serverHost: string; serverPort: string };

function serverValues(serverUrl: string): ServerValues {
  const url = new URL(serverUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  // URL.hostname keeps an IPv6 address in brackets; a TCP connect wants the bare address.
  return { serverUrl: serverUrl.replace(/\/+$/, ''), serverHost: url.hostname.replace(/^\[(.*)\]$/, '$1'), serverPort: port };
}

const resolveText = (text: string, values: ServerValues) => text.replace(PLACEHOLDER, (_, name: keyof ServerValues) => values[name]);

/**
 * A template check's description and settings (JSON text) with the placeholders resolved for the server
 * at `serverUrl`; text without placeholders comes back as it was.
 */
export function resolveServerPlaceholders(check: { description: string; settings: string }, serverUrl: string): { description: string; settings: string } {
  if (!check.description.includes('{server') && !check.settings.includes('{server')) return check;
  const values = serverValues(serverUrl);
  const settings = JSON.parse(check.settings) as Record<string, unknown>;
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'string') continue;
    settings[key] = value === '{serverPort}' ? Number(values.serverPort) : resolveText(value, values);
  }
  return { description: resolveText(check.description, values), settings: JSON.stringify(settings) };
}
