/** The newest red cases, breaches and escalations, as they are pushed. */
import type { FeedItem } from './dashboard-types.js';

const FEED_NAMES: Record<FeedItem['kind'], string> = { red: '红色预警', overdue: '超期', escalated: '提级' };

export function LiveFeed({ feed }: { feed: FeedItem[] }) {
  return (
    <>
      <h2>实时动态 Live: 红色预警与超期</h2>
      <ul className="feed" data-testid="feed">
        {feed.length === 0 && <li className="empty">暂无</li>}
        {feed.map((f) => (
          <li key={f.key} className={`feed-item ${f.kind}`}>
            <span className="tag">{FEED_NAMES[f.kind]}</span>
            <span className="no">{f.trackingNo ?? f.caseId.slice(0, 8)}</span>
            <span className="what">{f.title ?? ''}</span>
            <span className="when">{f.at.toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
