import { describe, expect, it } from 'vitest';
import { reportMarkdown } from '../../src/report/reportMarkdown.ts';

const FUZZ = `# kernel fuzz on Linux 6.12.118 (debian lab)

\`npx ioas-check kernel fuzz --runs 10\`: 10 sequences.

## Agreement per op

| op | steps on the kernel |
|---|---|
| open | 3 |
`;

describe('reportMarkdown', () => {
  it("appends a kernel fuzz run's agreement report as a section, its headings one level down", () => {
    const md = reportMarkdown({ rows: [], seed: 1, runs: 1, maxSteps: 1, kernelFuzz: FUZZ });
    expect(md).toContain('## On a real kernel: differential search (`ioas-check kernel fuzz`)');
    expect(md).toContain('### Agreement per op');
    expect(md).toContain('| open | 3 |');
    expect(md).not.toContain('# kernel fuzz on Linux');
  });
  it('has no such section without a run', () => {
    expect(reportMarkdown({ rows: [], seed: 1, runs: 1, maxSteps: 1 })).not.toContain('On a real kernel');
  });
});
