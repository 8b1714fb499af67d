/**
 * Test-only page script for e2e/face-check.spec.ts: starts the face-check worker
 * (src/workers/face-check.worker.ts) and hands the spec its Comlink proxy as window.faceCheck.
 * Bundled by the spec next to a copy of the built site; never part of the app.
 */
import * as Comlink from 'comlink';
import type { FaceCheckWorkerApi } from '../../src/workers/face-check.worker.ts';

const worker = new Worker(new URL('assets/face-check-harness.worker.js', document.baseURI), { type: 'module', name: 'veil-face-check' });
(window as unknown as { faceCheck: Comlink.Remote<FaceCheckWorkerApi> }).faceCheck = Comlink.wrap<FaceCheckWorkerApi>(worker);
