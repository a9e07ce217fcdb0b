import { assertNever } from '../../errors.js';
import type { Step } from './schema.js';

/**
 * A flow's steps as a linked plan: each step knows the step that follows it when it is done, and
 * a branching step the first step of each branch. A run's position is a step id; walking the plan
 * never needs the tree again. The step after the last step of a branch is the step after the
 * branching step, so branches join where the document continues.
 */
export interface PlannedStep {
  step: Step;
  /** The step after this one (for a branching step: after all its branches), or null: the run ends. */
  next: string | null;
  /** Depth in the tree (0 = top level), for drawing. */
  depth: number;
}

export interface FlowPlan {
  first: string | null;
  steps: ReadonlyMap<string, PlannedStep>;
  /** Step ids in document order. */
  order: readonly string[];
}

/** The branches of a step, each a list of steps (empty for a leaf). */
export function branchesOf(step: Step): { name: string; steps: Step[] }[] {
  switch (step.kind) {
    case 'wait_for_event':
      return [
        { name: 'onEvent', steps: step.onEvent },
        { name: 'onTimeout', steps: step.onTimeout },
      ];
    case 'condition':
      return [
        { name: 'yes', steps: step.yes },
        { name: 'no', steps: step.no },
      ];
    case 'split':
      return step.branches.map((b) => ({ name: b.name, steps: b.steps }));
    case 'wait':
    case 'wait_until_time':
    case 'wait_until_date':
    case 'send':
    case 'coupon':
    case 'tag':
    case 'set_attribute':
    case 'task':
    case 'exit':
      return [];
    default:
      return assertNever(step, 'flow step');
  }
}

/** Links the steps (ids are assumed unique: `checkFlow` says so first). */
export function planFlow(steps: readonly Step[]): FlowPlan {
  const map = new Map<string, PlannedStep>();
  const order: string[] = [];
  const link = (list: readonly Step[], after: string | null, depth: number): string | null => {
    for (let i = 0; i < list.length; i++) {
      const step = list[i]!;
      order.push(step.id);
      const next = list[i + 1]?.id ?? after;
      map.set(step.id, { step, next, depth });
      for (const branch of branchesOf(step)) link(branch.steps, next, depth + 1);
    }
    return list[0]?.id ?? after;
  };
  const first = link(steps, null, 0);
  return { first, steps: map, order };
}

/** The first step of a branch of a branching step (or the step after it, when the branch is empty). */
export function branchHead(plan: FlowPlan, stepId: string, branch: string): string | null {
  const planned = plan.steps.get(stepId);
  if (!planned) return null;
  const b = branchesOf(planned.step).find((x) => x.name === branch);
  return b?.steps[0]?.id ?? planned.next;
}

/** Every step of a list and its branches, depth first in document order. */
export function* allSteps(steps: readonly Step[]): Generator<Step> {
  for (const step of steps) {
    yield step;
    for (const branch of branchesOf(step)) yield* allSteps(branch.steps);
  }
}
