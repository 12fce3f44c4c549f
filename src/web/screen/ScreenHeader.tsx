/** The title bar: the unit shown (with a way up), whether the live stream is connected, and the Shanghai clock. */
import { useEffect, useState } from 'react';
import type { StreamStatus } from '../shared/sse.js';
import type { Summary } from './dashboard-types.js';

function Clock() {
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  return <span className="clock">{now.toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}</span>;
}

export function ScreenHeader({ org, live, onUp }: { org: Summary['org']; live: StreamStatus; onUp: (parentId: string) => void }) {
  const up = org.parentId;
  const open = live === 'open';
  return (
    <header>
      <div className="title">
        <span className="brand">枫桥</span> 群众诉求服务指挥中心 · 一张图
        <span className="en">Command centre</span>
      </div>
      <div className="org">
        {up && <button className="link" onClick={() => onUp(up)}>← 返回上级</button>}
        <span className="org-name" data-testid="org-name">{org.name}</span>
      </div>
      <div className="status">
        <span className={`live ${open ? 'open' : 'connecting'}`}>{open ? '● 实时' : '○ 重连中'}</span>
        <Clock />
      </div>
    </header>
  );
}
