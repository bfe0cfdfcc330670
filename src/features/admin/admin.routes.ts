import type { FastifyInstance } from 'fastify';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { Account } from '../accounts/account.repository.js';
import type { AdminService } from './admin.service.js';

export function registerAdminPages(app: FastifyInstance, deps: { admin: AdminService }): void {
  app.get(paths.admin.accounts, { config: { access: 'exams-officer' } }, async (request, reply) => {
    const accounts = await deps.admin.listAccounts(request.account as Account);
    return render(request, reply, 'admin/views/accounts.njk', { accounts });
  });
}
