// Typed errors that services throw; the error handler maps them to problem+json.

/**
 * One problem of a request. `value` is the offending value as given (cut to 200 characters),
 * `column` where it sits in an uploaded file (a letter for XLSX, a number for CSV), and
 * `allowed` the codes that would have been accepted, when the set is closed.
 */
export type InvalidParam = {
  name: string;
  reason: string;
  code?: string;
  value?: string;
  column?: string;
  allowed?: string[];
};

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly code: string,
    detail: string,
    readonly invalidParams?: InvalidParam[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super(404, 'Not Found', `${entity}_not_found`, `No ${entity} with id "${id}".`);
  }
}

export class ValidationError extends AppError {
  constructor(detail: string, invalidParams: InvalidParam[], code = 'validation_failed') {
    super(422, 'Unprocessable Content', code, detail, invalidParams);
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string, invalidParams?: InvalidParam[], code = 'bad_request') {
    super(400, 'Bad Request', code, detail, invalidParams);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, detail: string, extra?: Record<string, unknown>) {
    super(409, 'Conflict', code, detail, undefined, extra);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'Service Unavailable', 'store_unavailable', detail);
  }
}
