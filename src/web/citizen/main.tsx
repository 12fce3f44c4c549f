/**
 * The citizen portal (SPEC §9) at /m/: report a request (five services in
 * plain words, photos compressed in the browser, a voice note, location from
 * the building QR code, a map pin or an address, phone verified by a one-time
 * code), write to a Party secretary (书记在线), follow a request with its
 * tracking number and access code or the verified phone, add information,
 * confirm and rate. Plain React and CSS only: the bundle must stay light for
 * slow phone networks.
 *
 * Layout: App (bar, pages, QR building) and Home; report/ (the form and its
 * steps, draft, sending, receipt); follow/ (tracking, a case, confirm and
 * rate); mine/ (my requests); verification/ (the one-time code); portal-api
 * (the shared client without a staff token) and portal-types (the API's
 * shapes, from the server's schemas where they exist).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './citizen.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
