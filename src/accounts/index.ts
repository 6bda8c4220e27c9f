export { AccountsModule } from './accounts.module';
export { AccountsService, type RequestLease } from './accounts.service';
