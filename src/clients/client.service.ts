import { requireVisible, type Scope } from '../access/scope.js';
import { isUniqueViolation } from '../db/dialect.js';
import { errors } from '../errors.js';
import type { ClientRepository } from './client.repository.js';

/** The message for a name already used (add_site's documented wording, adapted to clients). */
export const DUPLICATE_CLIENT_MESSAGE = 'Duplicate name - Client name already exists!';

export type NewClient = Parameters<ClientRepository['create']>[1];

/** Clients: the repository's scoped reads, the rule for a client named by a parameter, and adding one. */
export function createClientService(clients: Pick<ClientRepository, 'pages' | 'findVisible' | 'nameTaken' | 'create'>) {
  return {
    pages: clients.pages,
    findVisible: clients.findVisible,

    /** The client `clientid` names when the scope sees it; otherwise error 4, as for one that does not exist. */
    requireVisible: (scope: Scope, clientId: number) => requireVisible(clients.findVisible(scope, clientId), 'clientid'),

    /**
     * Adds a client to the scope's account (and to the scope's client group). Names are unique per
     * account, so a name used by a client outside the group is refused too.
     */
    async add(scope: Scope, values: NewClient): Promise<number> {
      if (await clients.nameTaken(scope.accountId, values.name)) throw errors.invalidValueMessage(DUPLICATE_CLIENT_MESSAGE);
      try {
        return await clients.create(scope, values);
      } catch (error) {
        // Two concurrent calls with one name: the unique constraint decides, the loser gets the same answer.
        if (isUniqueViolation(error)) throw errors.invalidValueMessage(DUPLICATE_CLIENT_MESSAGE);
        throw error;
      }
    },
  };
}

export type ClientService = ReturnType<typeof createClientService>;
