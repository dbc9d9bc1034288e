// Every mongoose model of the app, imported in one place so that start-up (bootstrap.ts) builds
// the indexes of all of them, whichever feature modules happen to be loaded. A new model file
// is added here; test/integration/indexes.test.ts checks the database against this list.
import mongoose from 'mongoose';
import '../analytics/coding.model';
import '../analytics/counter.model';
import '../analytics/cube.model';
import '../audit/audit.model';
import '../auth/login-throttle';
import '../auth/session.model';
import '../auth/user.model';
import '../http/rate-limit';
import '../invitations/invitation.model';
import '../jobs/job.model';
import '../mail/mail.model';
import '../practices/practice.model';
import '../publication/publication.model';
import '../questionnaires/questionnaire.model';
import '../responses/response.model';
import '../waves/wave.model';
import './lease.model';

/** Every registered model (the ones above and any other module loaded so far). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- models of every shape
export function allModels(): mongoose.Model<any>[] {
  return mongoose.modelNames().map((name) => mongoose.model(name));
}
