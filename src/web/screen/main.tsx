/**
 * The command-centre big screen ("一张图", SPEC §10) at /screen/: a dark
 * 1920×1080 page readable from across a room, scaled to whatever display it
 * runs on. Figures come from GET /dashboard/summary (counters: cheap), and
 * every case change pushed over GET /dashboard/stream (SSE) refetches them
 * within a second, without polling. New red cases and breaches go to the
 * live feed. Drill down by clicking a unit or a community on the map.
 * No antd here: React + ECharts only, to keep the bundle light.
 *
 * Auth: `?token=` (for a wall display started by a script) or a small
 * sign-in form; `?orgId=` picks the unit.
 *
 * Layout: App (scale, sign-in) → Screen (the panels); data hooks `use-*.ts`;
 * each panel its own file.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './screen.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
