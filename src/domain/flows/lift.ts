/**
 * What a flow caused, measured against its holdout: the conversion rate of the runs that got the
 * flow minus that of the control runs (entered, got nothing), with a 95 % interval, and the
 * revenue per run of each group. Randomised by the holdout draw, so the difference is the flow's
 * effect, not the selection of who entered (Klaviyo credits a click within 5 days or an open
 * within 1 day; one agency's welcome flow got 33 % of revenue while the total did not move).
 */
export interface GroupOutcome {
  runs: number;
  converted: number;
  revenue: number;
}

export interface Lift {
  treated: GroupOutcome & { rate: number | null };
  control: GroupOutcome & { rate: number | null };
  /** Rate difference (treated − control), in percentage points; null without both groups. */
  difference: number | null;
  /** Its 95 % interval (Wald, the normal approximation of the difference of two proportions). */
  interval: [number, number] | null;
  /** Revenue per treated run minus revenue per control run. */
  revenuePerRun: number | null;
  /** Whether the interval excludes 0. */
  significant: boolean;
}

const Z95 = 1.959963984540054;

export function liftOf(treated: GroupOutcome, control: GroupOutcome): Lift {
  const rate = (g: GroupOutcome) => (g.runs > 0 ? g.converted / g.runs : null);
  const pt = rate(treated);
  const pc = rate(control);
  if (pt === null || pc === null)
    return {
      treated: { ...treated, rate: pt },
      control: { ...control, rate: pc },
      difference: null,
      interval: null,
      revenuePerRun: null,
      significant: false,
    };
  const d = pt - pc;
  const se = Math.sqrt((pt * (1 - pt)) / treated.runs + (pc * (1 - pc)) / control.runs);
  const interval: [number, number] = [(d - Z95 * se) * 100, (d + Z95 * se) * 100];
  return {
    treated: { ...treated, rate: pt },
    control: { ...control, rate: pc },
    difference: d * 100,
    interval,
    revenuePerRun: treated.revenue / treated.runs - control.revenue / control.runs,
    significant: interval[0] > 0 || interval[1] < 0,
  };
}
