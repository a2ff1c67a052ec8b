export { startLoad, failedRequests, parseWrkOutput, type LoadOptions, type LoadResult, type RunningLoad } from './wrk';
export { wrkScript, type WrkScriptOptions } from './wrk-script';
export { formatTable } from './table';
export { runDemo, type DemoOptions } from './scenario';
export { teardown } from './teardown';
export { writeDemoConfig } from './demo-config';
export { sampleColors } from './probe';
export { processesUnder } from './processes-under';
