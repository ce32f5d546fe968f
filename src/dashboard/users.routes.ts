import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ALL_PERMISSIONS } from '../access/permissions.js';
import type { RoleService } from '../access/role.service.js';
import type { ClientGroupService } from '../client-groups/client-group.service.js';
import { AppError } from '../errors.js';
import type { UserService } from '../users/user.service.js';
import { pageContext, redirect, type DashboardRouteContext } from './dashboard.context.js';
import { positiveId } from './dashboard.routes.js';
import type { SessionService } from './session.service.js';
import type { UsersPageService } from './users-page.service.js';
import { forbiddenPage } from './views/settings.view.js';
import { usersPage, type FormError, type UsersTab } from './views/users.view.js';

export type UsersRoutesDeps = {
  page: UsersPageService;
  sessions: SessionService;
  users: UserService;
  clientGroups: ClientGroupService;
  roles: RoleService;
};

const TABS: readonly UsersTab[] = ['accounts', 'groups', 'roles', 'audit'];

/** A form's fields as strings (repeated fields, like client checkboxes, as a list). */
function formOf(request: FastifyRequest): { get(name: string): string; all(name: string): string[]; values: Record<string, string> } {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== 'confirm' && k !== 'password' && k !== '_csrf') values[k] = v.slice(0, 1000);
  return {
    get: (name) => (typeof body[name] === 'string' ? (body[name] as string).slice(0, 1024) : ''),
    all: (name) => {
      const v = body[name];
      return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 10_000);
    },
    values,
  };
}

/**
 * Settings > Users: user accounts, the Agent Key's dashboard access, client groups, custom roles and the
 * audit log. Every change is confirmed with the user's own password; a refused change re-renders the
 * page with the message under the field that caused it.
 */
export function registerUsersRoutes(deps: UsersRoutesDeps) {
  return (scope: FastifyInstance, { assets, requireUser }: DashboardRouteContext) => {
    const render = async (request: FastifyRequest, reply: FastifyReply, tab: UsersTab, extra: { error?: FormError; notice?: string } = {}) => {
      const ctx = pageContext(request, assets);
      const user = ctx.user!;
      if (tab === 'audit') {
        const q = request.query as Record<string, string | undefined>;
        const filter = { actorLabel: q.user?.slice(0, 320) || undefined, action: q.action?.slice(0, 100) || undefined };
        const audit = await deps.page.audit(user, filter);
        return reply.type('text/html; charset=utf-8').send(usersPage(ctx, { tab, audit: { ...audit, filter }, ...extra }));
      }
      const data = await deps.page.overview(user);
      return reply.code(extra.error ? 422 : 200).type('text/html; charset=utf-8').send(usersPage(ctx, { tab, data, ...extra }));
    };

    const allowed = (request: FastifyRequest, reply: FastifyReply): boolean => {
      if (!requireUser(request, reply)) return false;
      if (deps.page.maySee(request.dashboard.user!)) return true;
      void reply.code(403).type('text/html; charset=utf-8').send(forbiddenPage(pageContext(request, assets), 'Settings > Users (it needs the User Accounts permission)'));
      return false;
    };

    scope.get('/settings/users', async (request, reply) => {
      if (!allowed(request, reply)) return reply;
      const q = request.query as Record<string, string | undefined>;
      const tab = TABS.find((t) => t === q.tab) ?? 'accounts';
      return render(request, reply, tab, { notice: q.done ? q.done.slice(0, 200) : undefined });
    });

    /**
     * Runs one confirmed change: checks the password, applies `change`, then shows the page with a notice;
     * any refusal is shown next to `field` (or next to the password when that was wrong).
     */
    const change = (path: string, tab: UsersTab, formId: (request: FastifyRequest) => string, field: string, apply: (request: FastifyRequest) => Promise<string>) => {
      scope.post(path, async (request, reply) => {
        if (!allowed(request, reply)) return reply;
        const form = formOf(request);
        const id = formId(request);
        const fail = (name: string, message: string) => render(request, reply, tab, { error: { form: id, field: name, message, values: form.values } });
        if (!form.get('confirm')) return fail('confirm', 'Enter your password to confirm this change');
        if (!(await deps.sessions.confirmPassword(request.dashboard.user!, form.get('confirm')))) return fail('confirm', 'That is not your password');
        try {
          const notice = await apply(request);
          return redirect(request, reply, `/settings/users?tab=${tab}&done=${encodeURIComponent(notice)}`);
        } catch (error) {
          if (!(error instanceof AppError) || error.code === 'internal') throw error;
          const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
          return fail(/password/i.test(message) && form.get('password') ? 'password' : field, message);
        }
      });
    };

    const actor = (request: FastifyRequest) => request.dashboard.user!.actor;
    const notFound = () => new AppError('invalidValue', 'no such user or group in this account');

    change('/settings/users/agent-key', 'accounts', () => 'agent-key', 'enabled', async (request) => {
      const enabled = formOf(request).get('enabled') === '1';
      await deps.users.setAgentKeyDashboardAccess(actor(request), request.ip, enabled);
      return enabled ? 'Agent Key dashboard access enabled.' : 'Agent Key dashboard access disabled.';
    });

    change('/settings/users/add', 'accounts', () => 'add-user', 'email', async (request) => {
      const form = formOf(request);
      const user = await deps.users.add(actor(request), request.ip, { email: form.get('email'), role: form.get('role'), group: form.get('group'), password: form.get('password') });
      return `Added ${user.email}.`;
    });

    change('/settings/users/:id', 'accounts', (r) => `user-${(r.params as { id: string }).id}`, 'role', async (request) => {
      const id = positiveId((request.params as { id: string }).id);
      const ref = id === undefined ? null : await deps.page.userRef(request.dashboard.user!, id);
      if (!ref) throw notFound();
      const form = formOf(request);
      if (form.get('role') && ref !== 'agent-key') await deps.users.setRole(actor(request), request.ip, ref, form.get('role'));
      if (form.get('group')) await deps.users.setGroup(actor(request), request.ip, ref, form.get('group'));
      return `Saved ${ref === 'agent-key' ? 'the Agent Key' : ref}.`;
    });

    change('/settings/users/:id/delete', 'accounts', (r) => `delete-${(r.params as { id: string }).id}`, 'confirm', async (request) => {
      const id = positiveId((request.params as { id: string }).id);
      const ref = id === undefined ? null : await deps.page.userRef(request.dashboard.user!, id);
      if (!ref) throw notFound();
      await deps.users.remove(actor(request), request.ip, ref);
      return `Deleted ${ref}.`;
    });

    for (const active of [false, true]) {
      const verb = active ? 'enable' : 'disable';
      change(`/settings/users/:id/${verb}`, 'accounts', (r) => `active-${(r.params as { id: string }).id}`, 'confirm', async (request) => {
        const id = positiveId((request.params as { id: string }).id);
        const ref = id === undefined ? null : await deps.page.userRef(request.dashboard.user!, id);
        if (!ref) throw notFound();
        await deps.users.setActive(actor(request), request.ip, ref, active);
        return `${active ? 'Enabled' : 'Disabled'} ${ref}.`;
      });
    }

    const clientIds = (request: FastifyRequest) => formOf(request).all('clients').map((v) => positiveId(v)).filter((v): v is number => v !== undefined);

    change('/settings/users/groups', 'groups', () => 'add-group', 'name', async (request) => {
      const name = formOf(request).get('name').trim();
      await deps.clientGroups.create(actor(request), request.ip, { name, clientIds: clientIds(request) });
      return `Created client group "${name}".`;
    });

    change('/settings/users/groups/:id', 'groups', (r) => `group-${(r.params as { id: string }).id}`, 'name', async (request) => {
      const id = positiveId((request.params as { id: string }).id);
      const current = id === undefined ? null : await deps.page.groupName(request.dashboard.user!, id);
      if (!current) throw notFound();
      const name = formOf(request).get('name').trim();
      await deps.clientGroups.setClients(actor(request), request.ip, current, clientIds(request));
      if (name && name !== current) await deps.clientGroups.rename(actor(request), request.ip, current, name);
      return `Saved client group "${name || current}".`;
    });

    change('/settings/users/roles', 'roles', () => 'add-role', 'name', async (request) => {
      const form = formOf(request);
      const allow: string[] = [];
      const deny: string[] = [];
      for (const permission of ALL_PERMISSIONS) {
        const setting = form.get(`perm:${permission}`);
        if (setting === 'allow') allow.push(permission);
        else if (setting === 'deny') deny.push(permission);
      }
      const name = form.get('name').trim();
      await deps.roles.create(actor(request), request.ip, { name, base: form.get('base'), allow, deny });
      return `Created role "${name}".`;
    });
  };
}
