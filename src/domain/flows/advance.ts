import { assertNever } from '../../errors.js';
import { zonedDayOf } from '../time.js';
import { instantOnDay, nextTimeOfDay } from './clock-time.js';
import { durationMs } from './duration.js';
import { branchHead, type FlowPlan } from './plan.js';
import type { LeafStep } from './schema.js';

/** Where a run stands: the next step to run, and what it waits for. */
export interface RunPosition {
  runId: string;
  customerId: string;
  /** The next step to run; null: nothing left. */
  stepId: string | null;
  /** Steps run so far (the journal's key). */
  seq: number;
  enteredAt: Date;
  /** Set while the run waits at a `wait_for_event` step. */
  waitingEvent: string | null;
  waitSince: Date | null;
}

/** What the engine knows about the customer when the run advances (loaded per batch). */
export interface AdvanceFacts {
  /** The logical time of the step: when the run became due. */
  now: Date;
  timeZone: string;
  /** The customer's own zone, when known (wait_until_time uses it). */
  customerTimeZone?: string | undefined;
  /** Why the run must stop before its next step (an exit condition holds), if it must. */
  exitReason?: string | undefined;
  /** Whether the event a waiting run waits for happened since it began waiting. */
  eventSeen: boolean;
  /** Whether a condition step's segment query holds for the customer now. */
  conditionHolds(stepId: string): boolean;
  /** A number in [0, 1) fixed per run and step, so a re-run after a crash takes the same branch. */
  draw(stepId: string): number;
  /** The customer's dates (`YYYY-MM-DD`, shop calendar), for wait_until_date. */
  dates: Partial<Record<'birthday' | 'expected_next_order' | 'reorder_due', string>>;
}

/** A step's effect on the world, applied in the same transaction as its journal row. */
export interface StepEffect {
  seq: number;
  step: Extract<LeafStep, { kind: 'send' | 'coupon' | 'tag' | 'set_attribute' | 'task' }>;
  at: Date;
}

export interface JournalEntry {
  seq: number;
  stepId: string;
  /** `done`, `waiting`, `branch:<name>`, `skipped`, `exit`. */
  outcome: string;
  detail?: string;
  at: Date;
}

export interface AdvanceResult {
  position: RunPosition;
  journal: JournalEntry[];
  effects: StepEffect[];
  /** Due again at this time, or null when the run has ended. */
  wakeAt: Date | null;
  /** Set when the run ended: `completed`, or the exit's reason. */
  ended?: string;
}

/** More steps than a flow can hold in one pass: a guard, not a limit anyone meets. */
const MAX_STEPS_PER_ADVANCE = 500;

/**
 * Runs a run's steps from its position until it must wait or it ends. Pure: the facts come in,
 * the journal and the effects go out, and the caller writes them with the new position in one
 * transaction, so a crash before the commit re-runs exactly these steps with the same outcome
 * (random splits draw from the run's own fixed numbers).
 */
export function advanceRun(plan: FlowPlan, start: RunPosition, facts: AdvanceFacts): AdvanceResult {
  const journal: JournalEntry[] = [];
  const effects: StepEffect[] = [];
  let pos: RunPosition = { ...start };
  const at = facts.now;
  const end = (reason: string): AdvanceResult => ({
    position: { ...pos, stepId: null, waitingEvent: null, waitSince: null },
    journal,
    effects,
    wakeAt: null,
    ended: reason,
  });
  if (pos.stepId !== null && facts.exitReason !== undefined) {
    journal.push({ seq: pos.seq, stepId: pos.stepId, outcome: 'exit', detail: facts.exitReason, at });
    pos = { ...pos, seq: pos.seq + 1 };
    return end(facts.exitReason);
  }
  for (let n = 0; n < MAX_STEPS_PER_ADVANCE; n++) {
    if (pos.stepId === null) return end('completed');
    const planned = plan.steps.get(pos.stepId);
    if (!planned) return end(`step "${pos.stepId}" is not in this version`);
    const step = planned.step;
    const seq = pos.seq;
    const record = (outcome: string, detail?: string) =>
      journal.push({ seq, stepId: step.id, outcome, at, ...(detail === undefined ? {} : { detail }) });
    const move = (next: string | null): void => {
      pos = { ...pos, stepId: next, seq: seq + 1, waitingEvent: null, waitSince: null };
    };
    switch (step.kind) {
      case 'wait': {
        const wakeAt = waitEnd(step.duration, step.at, at, facts.timeZone);
        record('waiting', wakeAt.toISOString());
        move(planned.next);
        return { position: pos, journal, effects, wakeAt };
      }
      case 'wait_until_time': {
        const wakeAt = nextTimeOfDay(at, step.time, facts.customerTimeZone ?? facts.timeZone);
        record('waiting', wakeAt.toISOString());
        move(planned.next);
        return { position: pos, journal, effects, wakeAt };
      }
      case 'wait_until_date': {
        const day = facts.dates[step.property];
        if (day === undefined && step.otherwise !== undefined) {
          const wakeAt = waitEnd(step.otherwise, step.at, at, facts.timeZone);
          record('waiting', `no ${step.property} date: ${step.otherwise} instead, ${wakeAt.toISOString()}`);
          move(planned.next);
          return { position: pos, journal, effects, wakeAt };
        }
        if (day === undefined) {
          record('skipped', `no ${step.property} date`);
          move(planned.next);
          break;
        }
        const target = instantOnDay(shiftDay(day, step.offsetDays), step.at, facts.timeZone);
        if (target.getTime() <= at.getTime()) {
          record('skipped', `the date ${target.toISOString()} has passed`);
          move(planned.next);
          break;
        }
        record('waiting', target.toISOString());
        move(planned.next);
        return { position: pos, journal, effects, wakeAt: target };
      }
      case 'wait_for_event': {
        if (pos.waitingEvent === null) {
          const wakeAt = new Date(at.getTime() + durationMs(step.timeout));
          // Not journaled yet: the step's one journal row says which branch it took.
          pos = { ...pos, waitingEvent: step.event, waitSince: at };
          return { position: pos, journal, effects, wakeAt };
        }
        const deadline = (pos.waitSince?.getTime() ?? at.getTime()) + durationMs(step.timeout);
        if (facts.eventSeen) {
          record('branch:onEvent', step.event);
          move(branchHead(plan, step.id, 'onEvent'));
        } else if (at.getTime() >= deadline) {
          record('branch:onTimeout', 'timed out');
          move(branchHead(plan, step.id, 'onTimeout'));
        } else return { position: pos, journal, effects, wakeAt: new Date(deadline) };
        break;
      }
      case 'condition': {
        const holds = facts.conditionHolds(step.id);
        record(holds ? 'branch:yes' : 'branch:no');
        move(branchHead(plan, step.id, holds ? 'yes' : 'no'));
        break;
      }
      case 'split': {
        const branch = pickBranch(step.branches, facts.draw(step.id));
        record(`branch:${branch}`);
        move(branchHead(plan, step.id, branch));
        break;
      }
      case 'send':
      case 'coupon':
      case 'tag':
      case 'set_attribute':
      case 'task':
        effects.push({ seq, step, at });
        record('done');
        move(planned.next);
        break;
      case 'exit':
        record('exit', 'exit step');
        move(null);
        return end('exit step');
      default:
        return assertNever(step, 'flow step');
    }
  }
  throw new Error(`a run passed ${MAX_STEPS_PER_ADVANCE} steps without waiting`);
}

/** The end of a `wait`: the duration later, or at `at` (shop time) on the day it ends. */
export function waitEnd(duration: string, at: string | undefined, from: Date, timeZone: string): Date {
  const end = new Date(from.getTime() + durationMs(duration));
  return at === undefined ? end : instantOnDay(zonedDayOf(end, timeZone), at, timeZone);
}

function pickBranch(branches: readonly { name: string; weight: number }[], draw: number): string {
  const total = branches.reduce((s, b) => s + b.weight, 0);
  let acc = 0;
  for (const b of branches) {
    acc += b.weight / total;
    if (draw < acc) return b.name;
  }
  return branches[branches.length - 1]!.name;
}

function shiftDay(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}
