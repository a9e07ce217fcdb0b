import type { Migration } from './index.js';

/**
 * What a long job says while it runs and what it answered (an import run as a job: rows read so
 * far, then its summary), as JSON text, shown by `GET /api/v1/jobs/{id}` and `nurture jobs list`.
 */
export const jobProgress: Migration = {
  version: 15,
  name: 'job-progress',
  statements: ['ALTER TABLE jobs ADD COLUMN progress VARCHAR', 'ALTER TABLE jobs ADD COLUMN result VARCHAR'],
};
