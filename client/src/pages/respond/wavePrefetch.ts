import { getWave, type Wave } from '../../api/api';

// Lives in the main bundle: the wave request starts while the (large) respondent chunk is still
// downloading, instead of after it. Each prefetch is used once.
const pending = new Map<string, Promise<Wave>>();

export function prefetchWave(code: string): void {
  if (pending.has(code)) return;
  const request = getWave(code);
  request.catch(() => {}); // reported by whoever takes it
  pending.set(code, request);
}

export function takePrefetchedWave(code: string): Promise<Wave> | undefined {
  const request = pending.get(code);
  pending.delete(code);
  return request;
}
