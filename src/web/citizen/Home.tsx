/** The portal's start: four large tiles (report, write to a secretary, track, my requests). */
import type { Key, T } from './i18n.js';

export const SECTIONS = ['submit', 'secretary', 'track', 'mine'] as const;

export function Home({ t, go }: { t: T; go: (path: string) => void }) {
  return (
    <main className="page home">
      {SECTIONS.map((v) => (
        <button key={v} type="button" className="tile" data-testid={`home-${v}`} onClick={() => go(`/m/${v}`)}>
          <strong>{t(`home_${v}` as Key)}</strong>
          <span>{t(`home_${v}_sub` as Key)}</span>
        </button>
      ))}
    </main>
  );
}
