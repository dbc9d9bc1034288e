// After an official submits a questionnaire: up to five published practices that addressed the
// obstacles they named. Only the obstacle codes go to the server, and nothing is stored.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { getSuggestions } from '../../api/practices';
import { useRequest } from '../../lib/useRequest';
import './practices.css';

export function PracticeSuggestions({ obstacles }: { obstacles: string[] }) {
  const { t } = useTranslation();
  const key = [...obstacles].sort().join(',');
  const list = useRequest((signal) => (key ? getSuggestions(key.split(','), signal) : Promise.resolve([])), key);
  if (list.status !== 'ok' || list.data.length === 0) return null;
  return (
    <div className="practice-suggestions" data-testid="practice-suggestions">
      <p className="practice-suggestions__title">{t('practices.suggestions.title')}</p>
      <ul>
        {list.data.map((p) => (
          <li key={p.id}>
            <Link to={`/practices/${encodeURIComponent(p.id)}`}>{p.title}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The obstacle codes an official named: the answer to the question marked `lsgRole: obstacles`. */
export function obstaclesNamed(definition: Record<string, unknown>, data: Record<string, unknown>): string[] {
  const names: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.lsgRole === 'obstacles' && typeof o.name === 'string') names.push(o.name);
      walk(o.pages);
      walk(o.elements);
      walk(o.templateElements);
    }
  };
  walk(definition);
  const out = new Set<string>();
  for (const n of names) {
    const v = data[n];
    for (const c of Array.isArray(v) ? v : [v]) if (typeof c === 'string' && /^[a-z_]{1,40}$/.test(c)) out.add(c);
  }
  return [...out];
}
