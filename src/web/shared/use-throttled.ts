import { useCallback, useEffect, useRef } from 'react';

/** Calls `fn` at most once per `ms` while events keep arriving (bursts of SSE hints → one refetch). */
export function useThrottled(fn: () => void, ms = 300): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      ref.current();
    }, ms);
  }, [ms]);
}
