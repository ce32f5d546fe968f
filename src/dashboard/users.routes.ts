import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ALL_PERMISSIONS } from '../access/permissions.js';
import type { RoleService } from '../access/role.service.js';
import type { ClientGroupService } from '../client-groups/client-group.service.js';
import type { UserService } from '../users/user.service.js';
import { type DashboardRoutes, pageContext, redirect, sendHtml } from './dashboard.context.js';
import { checkbox, fieldOf, filled, formRoute, formValues, ids, parseQuery, positiveId, single, text } from './form.js';
import type { SessionService } from './session.service.js';
import type { UsersPageService } from './users-page.service.js';
import { usersPage, type FormError, type UsersTab } from './views/users.view.js';

export type UsersRoutesDeps = {
  page: UsersPageService;
  sessions: SessionService;
  users: UserService;
  clientGroups: ClientGroupService;
  roles: RoleService;
};

const TABS: readonly UsersTab[] = ['accounts', 'groups', 'roles', 'audit'];

/**
 * What a change's redirect may show (`?done=CODE`): fixed sentences, so a link cannot put text of its
 * choosing on the page. An unknown code shows nothing.
 */
const NOTICES = {
  'agent-key-enabled': 'Agent Key dashboard access enabled.',
  'agent-key-disabled': 'Agent Key dashboard access disabled.',
  'user-added': 'User added.',
  'user-saved': 'User saved.',
  'user-deleted': 'User deleted.',
  'user-enabled': 'User enabled.',
  'user-disabled': 'User disabled.',
  'group-created': 'Client group created.',
  'group-saved': 'Client group saved.',
  'role-created': 'Role created.',
} as const;

type NoticeCode = keyof typeof NOTICES;

const noticeOf = (code: string | undefined) => (code !== undefined && Object.hasOwn(NOTICES, code) ? NOTICES[code as NoticeCode] : undefined);

/** The page's query: each parameter at most once (a repeated `user` or `action` is answered 400). */
const pageQuery = z.object({ tab: single(20), user: single(320), action: single(100), done: single(40) });

/** Every form of the page starts with the user's own password, checked before the change runs. */
const confirmed = { confirm: filled('Enter your password to confirm this change', 1024) };

const forms = {
  agentKey: z.object({ ...confirmed, enabled: checkbox }),
  addUser: z.object({ ...confirmed, email: text(320), role: text(200), group: text(200), password: text(1024) }),
  saveUser: z.object({ ...confirmed, role: text(200), group: text(200) }),
  confirmOnly: z.object(confirmed),
  group: z.object({ ...confirmed, name: text(200), clients: ids }),
  // One select per permission, `perm:NAME`: Allow, Deny, or '' for the base role's default.
  role: z
    .object({ ...confirmed, name: text(100), base: text(50), ...Object.fromEntries([...ALL_PERMISSIONS].map((p) => [`perm:${p}`, z.enum(['', 'allow', 'deny']).default('')])) })
    .transform((body) => {
      const set = (setting: string) => [...ALL_PERMISSIONS].filter((p) => (body as Record<string, string>)[`perm:${p}`] === setting);
      return { confirm: body.confirm, name: body.name.trim(), base: body.base, allow: set('allow'), deny: set('deny') };
    }),
};

/** The id in a route's path as sent (it names the form that failed) and as a number (absent when malformed, which the service refuses). */
const rawId = (request: FastifyRequest) => (request.params as { id: string }).id;
const idOf = (request: FastifyRequest) => positiveId(rawId(request));

/**
 * Settings > Users: user accounts, the Agent Key's dashboard access, client groups, custom roles and the
 * audit log. Every change is confirmed with the user's own password; a refused change re-renders the
 * page with the message under the field it is about (the error handler calls the form's `refused`).
 */
export function registerUsersRoutes(deps: UsersRoutesDeps): DashboardRoutes {
  return (scope, { assets }) => {
    scope.get('/settings/users', async (request, reply) => {
      const q = parseQuery(pageQuery, request);
      const ctx = pageContext(request, assets);
      const tab = TABS.find((t) => t === q.tab) ?? 'accounts';
      const notice = noticeOf(q.done);
      if (tab === 'audit') {
        const filter = { actorLabel: q.user || undefined, action: q.action || undefined };
        const audit = await deps.page.audit(request.sessionUser, filter);
        return sendHtml(reply, usersPage(ctx, { tab, audit: { ...audit, filter }, notice }));
      }
      return sendHtml(reply, usersPage(ctx, { tab, data: await deps.page.overview(request.sessionUser), notice }));
    });

    /**
     * One confirmed change: the body parsed by `schema`, the password checked, then `apply`, whose notice
     * code the page shows (as its fixed sentence) after a redirect. A refusal re-renders the tab with the message beside the field it
     * names when `fields` holds it, else beside `fields[0]`.
     */
    const change = <S extends z.ZodType<{ confirm: string }>>(
      path: string,
      form: { tab: UsersTab; id: (request: FastifyRequest) => string; fields: readonly [string, ...string[]]; schema: S },
      apply: (request: FastifyRequest, body: z.output<S>) => Promise<NoticeCode>,
    ) => formRoute(scope, path, {
      schema: form.schema,
      passwordField: 'confirm',
      refused: async (request, refusal) => {
        const error: FormError = { form: form.id(request), field: fieldOf(refusal, [...form.fields, 'confirm'] as const), message: refusal.message, values: formValues(request) };
        return usersPage(pageContext(request, assets), { tab: form.tab, data: await deps.page.overview(request.sessionUser), error });
      },
    }, async (request, reply, body) => {
      await deps.sessions.requirePassword(request.sessionUser, body.confirm, request.ip);
      const notice = await apply(request, body);
      return redirect(request, reply, `/settings/users?tab=${form.tab}&done=${notice}`);
    });

    const actor = (request: FastifyRequest) => request.sessionUser.actor;

    change('/settings/users/agent-key', { tab: 'accounts', id: () => 'agent-key', fields: ['enabled'], schema: forms.agentKey }, async (request, { enabled }) => {
      await deps.users.setAgentKeyDashboardAccess(actor(request), request.ip, enabled);
      return enabled ? 'agent-key-enabled' : 'agent-key-disabled';
    });

    change('/settings/users/add', { tab: 'accounts', id: () => 'add-user', fields: ['email', 'role', 'group', 'password'], schema: forms.addUser }, async (request, body) => {
      await deps.users.add(actor(request), request.ip, { email: body.email, role: body.role, group: body.group, password: body.password });
      return 'user-added';
    });

    change('/settings/users/:id', { tab: 'accounts', id: (r) => `user-${rawId(r)}`, fields: ['role', 'group'], schema: forms.saveUser }, async (request, body) => {
      await deps.page.saveUser(request.sessionUser, request.ip, idOf(request), body);
      return 'user-saved';
    });

    change('/settings/users/:id/delete', { tab: 'accounts', id: (r) => `delete-${rawId(r)}`, fields: ['confirm'], schema: forms.confirmOnly }, async (request) => {
      await deps.page.deleteUser(request.sessionUser, request.ip, idOf(request));
      return 'user-deleted';
    });

    for (const active of [false, true]) {
      change(`/settings/users/:id/${active ? 'enable' : 'disable'}`, { tab: 'accounts', id: (r) => `active-${rawId(r)}`, fields: ['confirm'], schema: forms.confirmOnly }, async (request) => {
        await deps.page.setUserActive(request.sessionUser, request.ip, idOf(request), active);
        return active ? 'user-enabled' : 'user-disabled';
      });
    }

    change('/settings/users/groups', { tab: 'groups', id: () => 'add-group', fields: ['name'], schema: forms.group }, async (request, { name, clients }) => {
      await deps.clientGroups.create(actor(request), request.ip, { name: name.trim(), clientIds: clients });
      return 'group-created';
    });

    change('/settings/users/groups/:id', { tab: 'groups', id: (r) => `group-${rawId(r)}`, fields: ['name'], schema: forms.group }, async (request, { name, clients }) => {
      await deps.page.saveGroup(request.sessionUser, request.ip, idOf(request), { name, clientIds: clients });
      return 'group-saved';
    });

    change('/settings/users/roles', { tab: 'roles', id: () => 'add-role', fields: ['name', 'base'], schema: forms.role }, async (request, { name, base, allow, deny }) => {
      await deps.roles.create(actor(request), request.ip, { name, base, allow, deny });
      return 'role-created';
    });
  };
}
