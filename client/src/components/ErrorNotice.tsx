import { useTranslation } from 'react-i18next';
import { ApiError, apiErrorMessageKey } from '../api/api';

/** A 404 won't get better by asking again. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof ApiError && error.status === 404);
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
