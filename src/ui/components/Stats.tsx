/** The two session counters (testids instance-count and error-count). Render exactly once. */
import { useAppState } from '../state/hooks.ts';
import type { FileEntry } from '../state/types.ts';

export function countFiles(files: readonly FileEntry[]): { instances: number; errors: number } {
  let instances = 0;
  let errors = 0;
  for (const f of files) {
    if (f.status === 'ready') instances++;
    else if (f.status === 'skipped' || f.status === 'failed') errors++;
  }
  return { instances, errors };
}

export function Stats({ compact = false }: { compact?: boolean }) {
  const files = useAppState((s) => s.files);
  const { instances, errors } = countFiles(files);
  return (
    <dl className={compact ? 'stats stats-compact' : 'stats'}>
      <div className="stat">
        <dt title="DICOM instances loaded and ready to export">Instances</dt>
        <dd data-testid="instance-count">{instances}</dd>
      </div>
      <div className="stat">
        <dt title="Files that will not be exported: not DICOM, or not safe to de-identify">Rejected</dt>
        <dd data-testid="error-count" className={errors > 0 ? 'has-errors' : undefined}>
          {errors}
        </dd>
      </div>
    </dl>
  );
}
