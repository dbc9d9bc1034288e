import type { RequestState } from '../lib/useRequest';
import { ErrorNotice, isRetryable } from './ErrorNotice';
import { Loading } from './Loading';

export type Request<T> = RequestState<T> & { reload: () => void };

/** A failed request's notice, with "Retry" where asking again can help. */
export function RequestError({
  request,
  title,
}: {
  request: { error: unknown; reload: () => void };
  title?: string | null;
}) {
  return (
    <ErrorNotice
      error={request.error}
      title={title}
      onRetry={isRetryable(request.error) ? request.reload : undefined}
    />
  );
}

/**
 * What a `useRequest` shows until its data is there: a loading line (unless `loading` is false:
 * nothing asked yet, or progress shown elsewhere), or its error. Nothing once it has the data.
 */
export function RequestStatus({
  request,
  label,
  title,
  loading = true,
}: {
  request: Request<unknown>;
  /** The loading line's text. */
  label: string;
  /** The error notice's heading; `null` when the page heading already says it. */
  title?: string | null;
  loading?: boolean;
}) {
  if (request.status === 'loading') return loading ? <Loading label={label} /> : null;
  if (request.status === 'error') return <RequestError request={request} title={title} />;
  return null;
}
