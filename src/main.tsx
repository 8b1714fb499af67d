import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import './ui/app.css';
import { collectStageTimes, enableStageTimes, recordStage } from './workers/stage-times.ts';

// Benchmark only (scripts/bench/browser.ts opens the app with `?perf`): stage timings of the
// page and its workers, collected by `window.__veilStageTimes()`. Without the flag nothing is timed.
if (new URLSearchParams(location.search).has('perf')) {
  enableStageTimes(true);
  (window as unknown as { __veilStageTimes: typeof collectStageTimes }).__veilStageTimes = collectStageTimes;
  // Main-thread work the page's own stages do not cover (React rendering the study tree).
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) recordStage('page.long-tasks', e.duration);
  }).observe({ type: 'longtask' });
}

const root = document.getElementById('root');
if (!root) throw new Error('Veil: #root element missing from index.html');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Offline after the first load: the service worker (built by vite-plugin-pwa) precaches the
// app. Relative URL and scope, so the app works from any sub-path of a static server.
if (import.meta.env.PROD && 'serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => {
      // No service worker (private mode, file://): the app still works online.
    });
  });
}
