export { ModelsModule } from './models.module';
export { ModelsService, type ModelEntry } from './models.service';
