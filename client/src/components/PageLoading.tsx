import { Loading } from './Loading';

/** A whole page that is still loading: its loading line alone. */
export function PageLoading({ label }: { label: string }) {
  return (
    <section className="page">
      <Loading label={label} />
    </section>
  );
}
