import { useTranslation } from 'react-i18next';
import { ApiError, apiErrorMessageKey } from '../api/api';

/**
 * Whether asking again can help: a lost connection, a timeout, a busy or failing server can
 * pass; a refused or malformed request (4xx: not found, not allowed, invalid) cannot, so no
 * "Retry" button is offered for it.
 */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof ApiError) || error.retryable;
}

type Props = {
  error: unknown;
  onRetry?: () => void;
  /** The notice's heading; `null` when the page heading already says it. */
  title?: string | null;
};

/** A failed request, described in the user's language. */
export function ErrorNotice({ error, onRetry, title }: Props) {
  const { t } = useTranslation();
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div className="notice notice--error" role="alert">
      {title !== null && <p className="notice__title">{title ?? t('errors.title')}</p>}
      <p>{t(apiErrorMessageKey(error))}</p>
      {requestId && <p className="notice__meta">{t('errors.requestId', { id: requestId })}</p>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('errors.retry')}
        </button>
      )}
    </div>
  );
}
