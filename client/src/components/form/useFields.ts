import { useCallback, useId, useState, type ChangeEvent } from 'react';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * A form's text values in one state, and `bind(name)`: the id, value and onChange of the field
 * that edits `name` (spread it on a TextField, SelectField or TextAreaField).
 */
export function useFields<T extends Record<string, string>>(initial: T | (() => T)) {
  const id = useId();
  const [values, setValues] = useState<T>(initial);
  const set = useCallback(<K extends keyof T>(k: K, v: T[K]) => setValues((f) => ({ ...f, [k]: v })), []);
  const bind = <K extends keyof T & string>(name: K) => ({
    id: `${id}-${name}`,
    value: values[name],
    onChange: (e: ChangeEvent<Control>) => set(name, e.target.value as T[K]),
  });
  return { id, values, set, bind };
}
