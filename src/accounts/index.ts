export { AccountsModule } from './accounts.module';
export { AccountsService, allowedAccountsOf, type RequestLease } from './accounts.service';
