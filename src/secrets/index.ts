export { DeploymentSecret } from './deployment-secret';
export { DeploymentSecretModule } from './deployment-secret.module';
