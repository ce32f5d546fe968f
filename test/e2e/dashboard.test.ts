import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import type { Clock } from '../../src/lib/clock.js';
import { createSmtpMailer } from '../../src/mail/mailer.js';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { TEST_NOW } from '../support/app.js';
import { startSmtpServer, type SmtpServer } from '../support/mail.js';
import { cheapPasswordHash } from '../support/passwords.js';
import { makeClient, makeFleet, type Fleet } from '../factories.js';

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against the real app
 * listening on 127.0.0.1, over a real database and a real in-process SMTP server.
 */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SHOTS = 'test-results/dashboard';
const PASSWORD = 'Correct-Horse-9';

describe.each(DIALECTS)('dashboard in a browser on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let smtp: SmtpServer;
  /** A clock the lockout test can move forward. */
  let now = new Date(TEST_NOW);
  const clock: Clock = { now: () => new Date(now) };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    const { services, account } = fleet;
    const system = services.access.systemActor(account.id);
    await makeClient(database, account.id, 'Gamma Accountants');
    await services.users.add(system, 'test', { email: 'admin@acme.test', role: 'superuser', password: PASSWORD });
    await services.users.add(system, 'test', { email: 'standard@acme.test', role: 'standard', password: PASSWORD });
    await services.clientGroups.create(system, 'test', { name: 'Beta only', clientIds: [fleet.clients.beta.id] });
    await services.users.add(system, 'test', { email: 'restricted@acme.test', role: 'standard', password: PASSWORD, group: 'Beta only' });
    await services.users.setPassword(system, 'test', 'agent-key', PASSWORD);
    const forgetful = await services.users.add(system, 'test', { email: 'forgetful@acme.test', role: 'standard' });
    // The lockout test checks 50 wrong passwords: at a cheap stored cost, so it is about the lockout, not scrypt.
    await services.repos.users.update(account.id, forgetful.id, { password_hash: cheapPasswordHash(PASSWORD) });

    smtp = await startSmtpServer();

    // Any free port; the account's public URL then names it, so the API page and the email show it.
    // Every browser here comes from 127.0.0.1: the lockout test's 50 wrong passwords need more than the
    // per-address limit on failed password checks allows by default.
    const config = loadConfig({}, { port: 0, host: '127.0.0.1', logLevel: 'silent', passwordTriesPerMinute: 1000 });
    app = await buildApp({
      config, database, clock, logger: createLogger('silent'),
      mailer: createSmtpMailer(smtp.url, 'Sightline <no-reply@sightline.test>'),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await database.db.updateTable('accounts').set({ public_url: base }).where('id', '=', account.id).execute();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.close();
    await database?.drop();
  });

  async function logIn(email: string, password = PASSWORD): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    return { context, page };
  }

  async function apiCall(key: string, service = 'list_clients'): Promise<string> {
    const response = await fetch(`${base}/api/?apikey=${key}&service=${service}`);
    return response.text();
  }

  it('sends a signed-out browser from / to /login', async () => {
    const response = await fetch(`${base}/`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
    const login = await fetch(`${base}/login`);
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
  });

  it('logs in, shows the fleet in the tree and tabs, and a device page with its checks and outages', async () => {
    const { context, page } = await logIn('admin@acme.test');
    await expect.poll(() => page.url()).toBe(`${base}/`);
    const tree = page.getByRole('complementary', { name: 'Clients and sites' });
    await expect.poll(() => tree.getByRole('link').allInnerTexts()).toEqual([
      'All Devices', expect.stringContaining('Alpha Dental & Co <Ltd>'), expect.stringContaining('Beta Logistics'), expect.stringContaining('Gamma Accountants'),
      expect.stringContaining('Gamma Clinic'),
    ]);
    const rows = page.locator('table.grid tbody tr');
    expect(await rows.count()).toBe(2); // servers: ALPHA-DC01 and BETA-FS01
    expect(await rows.nth(0).innerText()).toContain('Failing');
    expect(await rows.nth(1).innerText()).toContain('Offline');
    await page.screenshot({ path: `${SHOTS}/devices.png` });

    await page.getByRole('link', { name: /Workstations/ }).click();
    await expect.poll(() => page.locator('table.grid tbody tr').count()).toBe(4); // ALPHA-WS001, ALPHA-WS002, BETA-WS001, GAMMA-WS001
    expect(await page.locator('table.grid').innerText()).toContain('Overdue');

    await page.getByRole('link', { name: /Servers/ }).click();
    await page.getByRole('link', { name: 'ALPHA-DC01' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toContain('ALPHA-DC01');
    const body = await page.locator('main').innerText();
    expect(body).toContain('Disk Space Check - Drive C:');
    expect(body).toContain('<b>2.1GB free (1.7%)</b>'); // shown as text, never as markup
    expect(body).toContain('Working on it');
    expect(body).not.toContain('too old to list');
    await page.screenshot({ path: `${SHOTS}/device.png`, fullPage: true });
    await context.close();
  });

  it('regenerates the key in the API dialog: the old key fails over HTTP, the new one works, and Email Token mails it', async () => {
    const oldKey = fleet.apiKey;
    expect(await apiCall(oldKey)).toContain('status="OK"');
    const { context, page } = await logIn('admin@acme.test');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'General Settings' }).click();
    await page.getByRole('link', { name: 'API' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain(`${base}/api/`);
    await page.screenshot({ path: `${SHOTS}/api.png` });

    await page.getByRole('button', { name: 'Regenerate' }).click();
    const keyElement = page.getByTestId('api-key');
    await keyElement.waitFor();
    const newKey = (await keyElement.innerText()).trim();
    fleet.apiKey = newKey;
    expect(newKey).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.getByRole('dialog').innerText()).toContain('stopped working');
    await page.screenshot({ path: `${SHOTS}/api-new-key.png` });

    const oldAnswer = await apiCall(oldKey);
    expect(oldAnswer).toContain('status="FAIL"');
    expect(oldAnswer).toContain('<errorcode>3</errorcode>');
    expect(await apiCall(newKey)).toContain('status="OK"');

    // An empty address (refused by the form's schema, 400) and an address that is not one (refused by
    // the service, 422) are both swapped in next to the field by htmx, and nothing is sent.
    await page.getByRole('button', { name: 'Email Token' }).click();
    await expect.poll(() => page.locator('#email-token-error').innerText()).toBe('Enter the email address to send the token to');
    await page.getByLabel('Email API Token to').fill('not-an-address');
    await page.getByRole('button', { name: 'Email Token' }).click();
    await expect.poll(() => page.locator('#email-token-error').innerText()).toContain('not a valid email address');
    expect(smtp.received).toHaveLength(0);

    await page.getByLabel('Email API Token to').fill('ops@customer.test');
    await page.getByRole('button', { name: 'Email Token' }).click();
    await expect.poll(() => page.getByRole('dialog').innerText()).toContain('were sent to ops@customer.test');
    expect(smtp.received).toHaveLength(1);
    const mail = await simpleParser(smtp.received[0]!);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ops@customer.test');
    expect(mail.text).toContain(newKey);
    expect(mail.text).toContain(`${base}/api/`);

    await page.getByRole('button', { name: 'OK', exact: true }).click();
    await expect.poll(() => page.getByTestId('api-key').count()).toBe(0);
    await page.reload();
    expect(await page.locator('main').innerText()).toContain('by admin@acme.test');
    expect(await page.getByRole('button', { name: 'Regenerate' }).count()).toBe(1);
    await context.close();
  });

  it('creates a personal key on the API page, counts its calls by service, and revokes it', async () => {
    const { context, page } = await logIn('admin@acme.test');
    await page.goto(`${base}/settings/general/api`);
    // A name is required: the message appears under the name field.
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.locator('#pk-name-error').innerText()).toContain('1 to 100 characters');
    // A date in the past is refused beside Expires, and what was typed stays.
    await page.getByLabel('Key name').fill('Reporting');
    await page.getByLabel('Expires (optional)').fill('2020-01-31');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.locator('#pk-expires-error').innerText()).toBe('A key expiry must be a valid time in the future');
    expect(await page.getByLabel('Key name').inputValue()).toBe('Reporting');
    await page.getByLabel('Expires (optional)').fill('');
    await page.getByLabel('Scope').selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();
    const personalKey = (await page.getByTestId('personal-key').innerText()).trim();
    expect(personalKey).toMatch(/^slk_/);
    expect(await apiCall(personalKey, 'list_clients')).toContain('status="OK"');
    await page.reload();
    const usage = await page.locator('main').innerText();
    expect(usage).toMatch(/list_clients\s+1/);
    await page.screenshot({ path: `${SHOTS}/api-personal-keys.png`, fullPage: true });
    await page.getByRole('button', { name: 'Revoke Reporting' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('Key "Reporting" revoked');
    expect(await apiCall(personalKey, 'list_clients')).toContain('<errorcode>3</errorcode>');
    await context.close();
  });

  it("opens a site's settings from All Devices: a new token shown once, revoked, and the Linux package downloaded", async () => {
    const { context, page } = await logIn('admin@acme.test');
    const siteId = fleet.sites.alphaHq.id;
    const tree = page.getByRole('complementary', { name: 'Clients and sites' });
    await tree.getByRole('link', { name: /Alpha Dental/ }).click();
    await tree.getByRole('link', { name: 'Head Office' }).click();
    await page.getByRole('link', { name: 'Site settings' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Head Office: site settings');
    expect(page.url()).toBe(`${base}/sites/${siteId}`);

    await page.getByRole('button', { name: 'New token' }).click();
    const token = (await page.getByTestId('site-token').innerText()).trim();
    expect(token).toMatch(/^slt_[A-Za-z0-9_-]{43}$/);
    expect(await page.locator('main').innerText()).toContain('shown only once');
    expect(await fleet.services.siteTokens.verify(token)).toMatchObject({ siteId });
    await page.screenshot({ path: `${SHOTS}/site-new-token.png`, fullPage: true });
    await page.goto(`${base}/sites/${siteId}`);
    const listed = await page.locator('main').innerText();
    expect(listed).toContain(`${token.slice(0, 12)}…`);
    expect(listed).not.toContain(token);

    await page.getByRole('button', { name: `Revoke ${token.slice(0, 12)}` }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain(`Token ${token.slice(0, 12)}… revoked`);
    expect(await fleet.services.siteTokens.verify(token)).toBeNull();
    expect(await page.getByRole('button', { name: `Revoke ${token.slice(0, 12)}` }).count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Linux (.tar.gz)' }).click()]);
    expect(download.suggestedFilename()).toBe(`sightline-agent-site${siteId}-linux.tar.gz`);
    const saved = join(SHOTS, download.suggestedFilename());
    await download.saveAs(saved);
    const config = JSON.parse(execFileSync('tar', ['-xzOf', saved, 'sightline-agent/config.json'], { encoding: 'utf8' }));
    expect(config.serverUrl).toBe(base);
    expect(await fleet.services.siteTokens.verify(config.siteToken)).toMatchObject({ siteId });
    // The page stays where it was, and still works.
    expect(page.url()).toBe(`${base}/sites/${siteId}`);
    await page.screenshot({ path: `${SHOTS}/site.png`, fullPage: true });
    await context.close();
  });

  it('does not give a Standard user the API panel', async () => {
    const { context, page } = await logIn('standard@acme.test');
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('does not include any settings');
    expect(await page.getByRole('link', { name: 'General Settings' }).count()).toBe(0);
    const direct = await page.goto(`${base}/settings/general/api`);
    expect(direct?.status()).toBe(403);
    expect(await page.getByRole('button', { name: /Generate|Regenerate/ }).count()).toBe(0);
    await context.close();
  });

  it('shows a client-group-restricted user only its clients, and answers other ids as not found', async () => {
    const { context, page } = await logIn('restricted@acme.test');
    const tree = page.getByRole('complementary', { name: 'Clients and sites' });
    await expect.poll(() => tree.getByRole('link').allInnerTexts()).toEqual(['All Devices', expect.stringContaining('Beta Logistics')]);
    expect(await page.locator('main').innerText()).not.toContain('ALPHA-DC01');
    expect((await page.goto(`${base}/devices/${fleet.devices.alphaDc.id}`))?.status()).toBe(404);
    expect((await page.goto(`${base}/?client=${fleet.clients.alpha.id}`))?.status()).toBe(404);
    expect((await page.goto(`${base}/devices/${fleet.devices.betaSrv.id}`))?.status()).toBe(200);
    await context.close();
  });

  it('shows a Client user without the Devices permission no devices', async () => {
    await fleet.services.users.add(fleet.services.access.systemActor(fleet.account.id), 'test', { email: 'client@beta.test', role: 'client', password: PASSWORD });
    const { context, page } = await logIn('client@beta.test');
    await expect.poll(() => page.locator('main').innerText()).toContain('needs the "Devices" permission');
    expect(await page.locator('table.grid').count()).toBe(0);
    expect((await page.goto(`${base}/devices/${fleet.devices.betaSrv.id}`))?.status()).toBe(403);
    await context.close();
  });

  it('lets the Agent Key log in while its dashboard access is on, and refuses it once it is off', async () => {
    const first = await logIn(`agent-key@acme.local`);
    await expect.poll(() => first.page.url()).toBe(`${base}/`);
    const { services, account } = fleet;
    // An administrator clears "Enable Agent Key user Dashboard access" in Settings > Users, confirming
    // with their password (a wrong one is refused next to the field).
    const { context: adminContext, page: adminPage } = await logIn('admin@acme.test');
    await adminPage.getByRole('link', { name: 'Settings' }).click();
    await adminPage.getByRole('link', { name: 'Users' }).click();
    const checkbox = adminPage.getByLabel('Enable Agent Key user Dashboard access');
    expect(await checkbox.isChecked()).toBe(true);
    await checkbox.uncheck();
    const agentForm = adminPage.locator('#agent-key');
    await agentForm.getByLabel('Your password').fill('not-my-password');
    await agentForm.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => adminPage.locator('#agent-key-confirm-error').innerText()).toBe('That is not your password');
    await adminPage.screenshot({ path: `${SHOTS}/users-error.png`, fullPage: true });
    // What was chosen survives the refusal.
    expect(await adminPage.getByLabel('Enable Agent Key user Dashboard access').isChecked()).toBe(false);
    await adminPage.locator('#agent-key').getByLabel('Your password').fill(PASSWORD);
    await adminPage.locator('#agent-key').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => adminPage.getByRole('status').first().innerText()).toContain('Agent Key dashboard access disabled');
    expect(await adminPage.getByLabel('Enable Agent Key user Dashboard access').isChecked()).toBe(false);
    await adminPage.screenshot({ path: `${SHOTS}/users.png`, fullPage: true });
    await adminContext.close();
    const admin = await services.access.actorFor((await services.repos.users.findByEmail('admin@acme.test'))!);

    // The open session ends at once, and a new login with the right password is refused, the message
    // next to the password (the same for every refusal, so the form cannot probe accounts).
    await first.page.reload();
    expect(first.page.url()).toBe(`${base}/login`);
    await first.context.close();
    const second = await logIn('agent-key@acme.local');
    await expect.poll(() => second.page.locator('#password-error').innerText()).toContain('may not log in to the dashboard');
    expect(second.page.url()).toBe(`${base}/login`);
    // The API key keeps working: only the dashboard is closed.
    expect(await apiCall(fleet.apiKey)).toContain('status="OK"');
    await services.users.setAgentKeyDashboardAccess(admin, 'test', true);
    await second.context.close();
    expect(account.id).toBeGreaterThan(0);
  });

  it('refuses a state-changing request without the CSRF token', async () => {
    const { context, page } = await logIn('admin@acme.test');
    await expect.poll(() => page.url()).toBe(`${base}/`);
    const refused = await page.request.post(`${base}/settings/general/api/key`, { form: {}, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    const wrong = await page.request.post(`${base}/settings/general/api/key`, { form: { _csrf: 'forged' }, maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
    // The key did not change.
    expect(await apiCall(fleet.apiKey)).toContain('status="OK"');
    // Logging out needs the token too; the Log out button carries it, and the session is then gone.
    expect((await page.request.post(`${base}/logout`, { form: {}, maxRedirects: 0 })).status()).toBe(403);
    const cookies = await context.cookies();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.url()).toBe(`${base}/login?signedout=1`);
    const replayed = await browser.newContext();
    await replayed.addCookies(cookies);
    const replay = await replayed.request.get(`${base}/`, { maxRedirects: 0 });
    expect(replay.status()).toBe(303);
    await replayed.close();
    await context.close();
  });

  it('locks a user out from one address after 50 consecutive failed logins, says so, and lets it in after 5 minutes', async () => {
    // A signed-out browser's form token comes with its pre-session cookie.
    const loginPage = await fetch(`${base}/login`);
    const cookie = loginPage.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
    const attempt = (password: string) =>
      fetch(`${base}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: csrf, email: 'forgetful@acme.test', password }).toString(),
      });
    for (let i = 1; i < 50; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401);
    const fiftieth = await attempt('wrong-50');
    expect(fiftieth.status).toBe(429);
    expect(Number(fiftieth.headers.get('retry-after'))).toBe(300);

    // Even the right password is refused now, with the reason above the form.
    const { context, page } = await logIn('forgetful@acme.test');
    await expect.poll(() => page.getByRole('alert').first().innerText()).toContain('Too many failed logins');
    expect(page.url()).toBe(`${base}/login`);
    await page.screenshot({ path: `${SHOTS}/login-locked.png` });
    // Another user from the same address is not affected.
    const other = await logIn('admin@acme.test');
    await expect.poll(() => other.page.url()).toBe(`${base}/`);
    await other.context.close();

    now = new Date(now.getTime() + 301_000);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.url()).toBe(`${base}/`);
    await context.close();
  });

  it('disables a user from Settings > Users: its open session ends and it can no longer log in', async () => {
    await fleet.services.users.add(fleet.services.access.systemActor(fleet.account.id), 'test', { email: 'leaver@acme.test', role: 'standard', password: PASSWORD });
    const leaver = await logIn('leaver@acme.test');
    await expect.poll(() => leaver.page.url()).toBe(`${base}/`);

    const { context, page } = await logIn('admin@acme.test');
    await page.goto(`${base}/settings/users`);
    await page.getByText('Edit leaver@acme.test').click();
    const id = (await fleet.services.repos.users.findByEmail('leaver@acme.test'))!.id;
    const form = page.locator(`#active-${id}`);
    await form.getByLabel('Your password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Disable leaver@acme.test' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('User disabled.');

    await leaver.page.reload();
    expect(leaver.page.url()).toBe(`${base}/login`);
    await leaver.context.close();
    const again = await logIn('leaver@acme.test');
    await expect.poll(() => again.page.locator('#password-error').count()).toBe(1);
    expect(again.page.url()).toBe(`${base}/login`);
    await again.context.close();
    await context.close();
  });
});
