// The only place the client talks to the server. One typed function per endpoint;
// every failure becomes an ApiError that the UI can describe in the user's language. The API's
// shapes are aliases of the types generated from the server's OpenAPI document (types.ts).
import type { BodyOf, ResponseOf, Schemas } from './types';

export type Locale = 'ru' | 'uk' | 'en';
export type Localized = Schemas['LocalizedText'];
export type WaveSummary = Schemas['Wave'];
export type WaveStatus = WaveSummary['status'];
export type Wave = ResponseOf<'/waves/{code}', 'get'>;
/** A SurveyJS questionnaire definition, passed to survey-core as is. */
export type SurveyDefinition = Wave['questionnaire']['definition'];
export type SubmitResponseBody = BodyOf<'/waves/{code}/responses', 'post'>;
export type SubmittedResponse = ResponseOf<'/waves/{code}/responses', 'post', 201>;
export type Region = Schemas['Region'];

/** `value`: the bad value as given; `column`: where it is in an uploaded file; `allowed`: the accepted codes. */
export type InvalidParam = NonNullable<Schemas['ProblemDetails']['invalid_params']>[number];

/**
 * RFC 9457 problem details as the server sends them; every member may be missing here, since a
 * proxy or a network failure gives no body.
 */
export type Problem = Partial<Schemas['ProblemDetails']> & {
  /** Seconds to wait before retrying (429 problems, and the store's retryable 503s). */
  retryAfter?: number;
  /** Members a particular problem adds (e.g. the current draft of a `draft_conflict`). */
  [member: string]: unknown;
};

export type ApiErrorKind = 'http' | 'network';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** HTTP status; 0 for network failures. */
  readonly status: number;
  /** Machine-readable code from the problem body (e.g. `wave_not_open`), if any. */
  readonly code?: string;
  readonly requestId?: string;
  readonly invalidParams: InvalidParam[];
  /** The whole problem body, for the members particular problems add. */
  readonly problem: Problem;

  constructor(kind: ApiErrorKind, status: number, problem: Problem = {}, cause?: unknown) {
    super(problem.detail ?? problem.title ?? (kind === 'network' ? 'Network error' : `HTTP ${status}`), { cause });
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = problem.code;
    this.requestId = problem.requestId;
    this.invalidParams = Array.isArray(problem.invalid_params) ? problem.invalid_params : [];
    this.problem = problem;
  }

  /** True when trying the same request again later may succeed. */
  get retryable(): boolean {
    return this.kind === 'network' || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The message of an HTTP status that has one of its own. */
const STATUS_MESSAGE = {
  400: 'errors.badRequest',
  404: 'errors.notFound',
  409: 'errors.conflict',
  413: 'errors.tooLarge',
  422: 'errors.validation',
  429: 'errors.tooManyRequests',
  502: 'errors.unavailable',
  503: 'errors.unavailable',
  504: 'errors.unavailable',
} as const;
type StatusMessage = (typeof STATUS_MESSAGE)[keyof typeof STATUS_MESSAGE];

/** i18n key for an error; components translate it with `t(apiErrorMessageKey(err))`. */
export function apiErrorMessageKey(err: unknown) {
  if (!(err instanceof ApiError)) return 'errors.generic' as const;
  if (err.kind === 'network') return 'errors.network' as const;
  if (err.code === 'wave_not_open') return 'errors.waveNotOpen' as const;
  if (err.code === 'store_unavailable') return 'errors.unavailable' as const;
  if (err.code === 'store_timeout') return 'errors.timeout' as const;
  const known: StatusMessage | undefined = (STATUS_MESSAGE as Partial<Record<number, StatusMessage>>)[err.status];
  return known ?? (err.status >= 500 ? ('errors.server' as const) : ('errors.generic' as const));
}

export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

const DEFAULT_TIMEOUT_MS = 30_000;

type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
};

// The CSRF token of the signed-in session; sent with every mutation (the session cookie alone
// is not enough for the server to accept a change).
let csrfToken: string | undefined;

/** Headers for a mutation sent outside `request` (a file download by POST). */
export const csrfHeaders = (): Record<string, string> => (csrfToken ? { 'X-CSRF-Token': csrfToken } : {});

/** A GET answered 503 with a short Retry-After (the store changing its primary) is tried again this often. */
const GET_RETRIES = 2;
const MAX_GET_RETRY_WAIT_S = 3;

/** Seconds the server asked to wait before a retry (Retry-After header, else the problem's `retryAfter`). */
export function retryAfterSeconds(err: ApiError): number | undefined {
  const s = err.problem.retryAfter;
  return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? s : undefined;
}

/**
 * Reads are idempotent: a GET the server answered 503 with a Retry-After of at most 3 s (the
 * database switching to another server: `store_failover`, Retry-After 2) is tried again after that
 * wait, up to twice, before the error reaches the page. Longer waits (a store that is away, a
 * request over its deadline: Retry-After 5) go to the page at once, which says so and offers a
 * retry. Mutations are not retried here: the pages that may retry them safely (a submission
 * carries its clientId) do it themselves, showing that they do.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestOnce<T>(path, options);
    } catch (err) {
      const wait = err instanceof ApiError && err.status === 503 ? retryAfterSeconds(err) : undefined;
      const isGet = (options.method ?? 'GET') === 'GET';
      if (!isGet || attempt >= GET_RETRIES || wait === undefined || wait > MAX_GET_RETRY_WAIT_S) throw err;
      await sleep(wait * 1000, options.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Aborted', 'AbortError'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function requestOnce<T>(
  path: string,
  { method = 'GET', body, signal, timeoutMs = DEFAULT_TIMEOUT_MS }: RequestOptions = {},
): Promise<T> {
  // Our own controller gives a timeout on slow links; the caller's signal (unmount) still aborts.
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('Timed out', 'TimeoutError')), timeoutMs);

  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(method !== 'GET' && csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    throw new ApiError('network', 0, {}, err);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }

  if (!res.ok) {
    const problem = await readProblem(res);
    // The Retry-After header wins over (or stands in for) the body's member: a proxy may send only the header.
    const header = Number(res.headers.get('retry-after'));
    if (res.headers.get('retry-after') !== null && Number.isFinite(header)) problem.retryAfter = header;
    throw new ApiError('http', res.status, problem);
  }
  if (res.status === 204) return undefined as T;

  try {
    return (await res.json()) as T;
  } catch (err) {
    // A proxy page or a cut-off body: treat like a network problem, the request may be retried.
    throw new ApiError('network', res.status, {}, err);
  }
}

async function readProblem(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return { status: res.status };
  try {
    const body: unknown = await res.json();
    return body && typeof body === 'object' ? (body as Problem) : { status: res.status };
  } catch {
    return { status: res.status };
  }
}

const enc = encodeURIComponent;

export async function listWaves(signal?: AbortSignal): Promise<WaveSummary[]> {
  const { items } = await request<{ items: WaveSummary[] }>('/waves', { signal });
  return items;
}

export function getWave(code: string, signal?: AbortSignal): Promise<Wave> {
  return request(`/waves/${enc(code)}`, { signal });
}

/** Idempotent per clientId: a retry returns the stored response instead of a second one. */
export function submitResponse(
  code: string,
  body: SubmitResponseBody,
  signal?: AbortSignal,
): Promise<SubmittedResponse> {
  return request(`/waves/${enc(code)}/responses`, { method: 'POST', body, signal });
}

export async function listRegions(signal?: AbortSignal): Promise<Region[]> {
  const { items } = await request<{ items: Region[] }>('/reference/regions', { signal });
  return items;
}

export type Coded = Schemas['NamedCode'];

export async function listMunicipalityTypes(signal?: AbortSignal): Promise<Coded[]> {
  const { items } = await request<{ items: Coded[] }>('/reference/municipality-types', { signal });
  return items;
}

export type SessionInfo = ResponseOf<'/auth/me', 'get'>;
export type Role = SessionInfo['user']['roles'][number];

export async function login(email: string, password: string, signal?: AbortSignal): Promise<SessionInfo> {
  const session = await request<SessionInfo>('/auth/login', { method: 'POST', body: { email, password }, signal });
  csrfToken = session.csrfToken;
  return session;
}

/** The signed-in user; an ApiError with status 401 when nobody is signed in. */
export async function getSession(signal?: AbortSignal): Promise<SessionInfo> {
  const session = await request<SessionInfo>('/auth/me', { signal });
  csrfToken = session.csrfToken;
  return session;
}

export async function logout(): Promise<void> {
  await request<void>('/auth/logout', { method: 'POST' });
  csrfToken = undefined;
}

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return request('/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
}
