import { type AuditStep } from '@switchyard/host';
import { diffText } from '@switchyard/templates';
import type { Step } from './actions';
import type { StepContext } from './context';
import { runAction } from './handlers';
import { interruptedAt } from './interrupt';

/** Runs the steps in order, one line as each starts and its duration as it ends; stops at the first failure. */
export async function executeSteps(ctx: StepContext, steps: readonly Step[], done: AuditStep[]): Promise<void> {
  let previous: string | undefined;
  for (const step of steps) {
    if (ctx.interrupted.aborted) throw interruptedAt(ctx.interrupted, `after "${previous ?? 'the start'}", before "${step.name}"`);
    previous = step.name;
    ctx.out.emit({ type: 'step-start', step: step.name });
    const started = performance.now();
    let outcome: 'ok' | 'failed' = 'failed';
    try {
      await runAction(ctx, step.action);
      outcome = 'ok';
    } catch (error) {
      // A child process the same Ctrl-C ended, or a wait cut short: the signal is the cause.
      if (ctx.interrupted.aborted) throw interruptedAt(ctx.interrupted, `during "${step.name}"`);
      throw error;
    } finally {
      const durationMs = Math.round(performance.now() - started);
      done.push({ name: step.name, durationMs, outcome });
      ctx.out.emit({ type: 'step-end', step: step.name, durationMs, outcome });
    }
  }
}

/** --dry-run: the plan, and the diff of every file it would write; reads, never writes. */
export async function showPlan(ctx: StepContext, steps: readonly Step[]): Promise<void> {
  ctx.out.emit({ type: 'plan', steps: steps.map((step) => step.name) });
  for (const step of steps) {
    const files = step.action.kind === 'write-files' ? step.action.files : [];
    for (const file of files) {
      const current = (await ctx.host.readFile(file.path)) ?? null;
      if (current === file.content) continue;
      const diff = file.secret ? `~ ${file.path} (holds secrets: contents not shown)` : diffText(file.path, current, file.content);
      ctx.out.emit({ type: 'diff', path: file.path, diff });
    }
    const links = step.action.kind === 'write-files' || step.action.kind === 'point-buckets' ? step.action.links : [];
    const moved: string[] = [];
    for (const link of links) if ((await ctx.host.readlink(link.path)) !== link.target) moved.push(`${link.path} -> ${link.target}`);
    if (moved.length > 0) ctx.out.emit({ type: 'note', message: `${step.name}: ${moved.length} link(s) would change, first ${moved[0]}` });
  }
}
