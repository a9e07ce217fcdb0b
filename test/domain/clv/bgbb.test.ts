import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BgBbParams,
  bgbbConditionalExpected,
  bgbbExpectedNew,
  bgbbLogLikelihood,
  bgbbPAlive,
  fitBgBb,
} from '../../../src/domain/clv/index.js';
import { logBeta, logGamma } from '../../../src/domain/clv/special.js';
import { seededRandom } from '../../../src/domain/ids.js';
import { sampleBeta } from '../../../src/domain/random/distributions.js';
import { NurtureError } from '../../../src/errors.js';

/** Fader, Hardie & Shang (2010), table 2: the 1995 donor cohort. */
const PUBLISHED: BgBbParams = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };
const PUBLISHED_LL = -33225.6;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** The rf-matrix fixture (see test/fixtures/clv/README.md). */
function donations() {
  const rows = readFileSync(resolve('test/fixtures/clv/donations.csv'), 'utf8').trim().split('\n').slice(1);
  const cols = rows.map((r) => r.split(',').map(Number));
  return {
    frequency: cols.map((c) => c[0] as number),
    recency: cols.map((c) => c[1] as number),
    periods: cols.map((c) => c[2] as number),
    weight: cols.map((c) => c[3] as number),
  };
}

/**
 * Nodes and weights of E[f(q)] for q ~ Beta(a, b) by midpoint quadrature, with q = u^(1/a) on
 * [0, 1/2] and 1 − q = v^(1/b) on [1/2, 1] so that shapes below 1 leave no endpoint singularity.
 */
function betaNodes(a: number, b: number, n = 200): { q: number[]; w: number[] } {
  const q: number[] = [];
  const w: number[] = [];
  const norm = Math.exp(logBeta(a, b));
  const uMax = 0.5 ** a;
  for (let i = 0; i < n; i++) {
    const v = (((i + 0.5) / n) * uMax) ** (1 / a);
    q.push(v);
    w.push(((uMax / n / a) * (1 - v) ** (b - 1)) / norm);
  }
  const vMax = 0.5 ** b;
  for (let i = 0; i < n; i++) {
    const v = 1 - (((i + 0.5) / n) * vMax) ** (1 / b);
    q.push(v);
    w.push(((vMax / n / b) * v ** (a - 1)) / norm);
  }
  return { q, w };
}

/** The model for known p and θ, straight from its story, integrated over both betas. */
function byQuadrature(p: BgBbParams, x: number, tx: number, n: number, nStar: number) {
  const P = betaNodes(p.alpha, p.beta);
  const Th = betaNodes(p.gamma, p.delta);
  let L = 0;
  let aliveNext = 0;
  let future = 0;
  P.q.forEach((q, i) => {
    Th.q.forEach((th, j) => {
      const w = (P.w[i] as number) * (Th.w[j] as number);
      // Alive through n, or died at the start of opportunity t_x + i + 1 (i = 0 … n − t_x − 1).
      const alive = q ** x * (1 - q) ** (n - x) * (1 - th) ** n;
      let lik = alive;
      for (let k = 0; k < n - tx; k++) lik += q ** x * (1 - q) ** (tx - x + k) * th * (1 - th) ** (tx + k);
      // Alive through n, then at each of the next opportunities still alive and transacting.
      let ahead = 0;
      for (let k = 1; k <= nStar; k++) ahead += q * (1 - th) ** k;
      L += w * lik;
      aliveNext += w * alive * (1 - th);
      future += w * alive * ahead;
    });
  });
  return { logLik: Math.log(L), pAlive: aliveNext / L, expected: future / L };
}

describe('BG/BB on the 1995 donor cohort', () => {
  const data = donations();

  it('has 11,104 donors in 22 distinct rows', () => {
    expect(data.weight.reduce((a, b) => a + b, 0)).toBe(11_104);
    expect(data.weight).toHaveLength(22);
  });

  it('reproduces the published estimates and log-likelihood (Fader, Hardie & Shang 2010)', () => {
    const fit = fitBgBb(data);
    expect(fit.model).toBe('bgbb');
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(11_104);
    expect(fit.tuples).toBe(22);
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const)
      expect(rel(fit.params[k], PUBLISHED[k])).toBeLessThan(1e-3);
    expect(Math.abs(fit.logLikelihood - PUBLISHED_LL)).toBeLessThan(0.1);
    let ll = 0;
    for (let i = 0; i < 22; i++) {
      ll +=
        (data.weight[i] as number) *
        bgbbLogLikelihood(fit.params, data.frequency[i] as number, data.recency[i] as number, 6);
    }
    expect(fit.logLikelihood).toBeCloseTo(ll, 8);
  });

  it('gives the same fit from one row per donor as from the weighted rf-matrix', () => {
    const expanded = { frequency: [] as number[], recency: [] as number[], periods: [] as number[] };
    data.weight.forEach((w, i) => {
      for (let k = 0; k < w; k++) {
        expanded.frequency.push(data.frequency[i] as number);
        expanded.recency.push(data.recency[i] as number);
        expanded.periods.push(6);
      }
    });
    const a = fitBgBb(expanded);
    const b = fitBgBb(data);
    expect(a.tuples).toBe(22);
    expect(a.logLikelihood).toBeCloseTo(b.logLikelihood, 6);
  });
});

describe('BG/BB likelihood and predictions', () => {
  const cases: [number, number, number][] = [
    [0, 0, 6],
    [1, 1, 6],
    [3, 5, 6],
    [6, 6, 6],
    [2, 4, 10],
  ];

  // Midpoint quadrature on 400 × 400 nodes is good to about 1e-4, hence the tolerance.
  it('equal the model integrated numerically over p and θ', () => {
    for (const p of [PUBLISHED, { alpha: 0.5, beta: 0.9, gamma: 0.8, delta: 0.6 }]) {
      for (const [x, tx, n] of cases) {
        const q = byQuadrature(p, x, tx, n, 5);
        expect(rel(bgbbLogLikelihood(p, x, tx, n), q.logLik)).toBeLessThan(2e-4);
        expect(rel(bgbbPAlive(p, x, tx, n), q.pAlive)).toBeLessThan(2e-4);
        expect(rel(bgbbConditionalExpected(p, 5, x, tx, n), q.expected)).toBeLessThan(2e-4);
      }
    }
  });

  it('sums the survival series as the closed form of eq. (13), also past the direct-sum limit', () => {
    const p = PUBLISHED;
    const closed = (nStar: number, x: number, tx: number, n: number): number => {
      const L = Math.exp(bgbbLogLikelihood(p, x, tx, n));
      const g = (k: number) => logGamma(1 + p.delta + k) - logGamma(p.gamma + p.delta + k);
      return (
        (Math.exp(logBeta(p.alpha + x + 1, p.beta + n - x) - logBeta(p.alpha, p.beta)) / L) *
        (p.delta / (p.gamma - 1)) *
        Math.exp(logGamma(p.gamma + p.delta) - logGamma(1 + p.delta)) *
        (Math.exp(g(n)) - Math.exp(g(n + nStar)))
      );
    };
    for (const nStar of [1, 5, 100, 10_000, 10_001, 1e6])
      expect(rel(bgbbConditionalExpected(p, nStar, 3, 5, 6), closed(nStar, 3, 5, 6))).toBeLessThan(1e-9);
    // γ = 1: the closed form divides 0 by 0, the series does not.
    const one = { ...p, gamma: 1 };
    const near = bgbbConditionalExpected({ ...p, gamma: 1 + 1e-7 }, 20_000, 3, 5, 6);
    expect(rel(bgbbConditionalExpected(one, 20_000, 3, 5, 6), near)).toBeLessThan(1e-5);
    expect(
      rel(bgbbConditionalExpected(one, 10_000, 3, 5, 6), bgbbConditionalExpected(one, 10_001, 3, 5, 6)),
    ).toBeLessThan(1e-4);
  });

  it('expects α/(α+β) per opportunity survived by a new customer', () => {
    const p = PUBLISHED;
    let survived = 0;
    for (let k = 1; k <= 6; k++)
      survived += Math.exp(logBeta(p.gamma, p.delta + k) - logBeta(p.gamma, p.delta));
    expect(rel(bgbbExpectedNew(p, 6), (p.alpha / (p.alpha + p.beta)) * survived)).toBeLessThan(1e-12);
    expect(bgbbExpectedNew(p, 0)).toBe(0);
  });

  it('rejects impossible rows, naming the row', () => {
    const bad = { frequency: [0, 3], recency: [0, 2], periods: [6, 6] };
    expect(() => fitBgBb(bad)).toThrow(NurtureError);
    expect(() => fitBgBb(bad)).toThrow(/row 2: frequency must be a whole number between 0 and recency/);
    expect(() => fitBgBb({ frequency: [1], recency: [7], periods: [6] })).toThrow(/row 1: recency/);
  });
});

describe('BG/BB on generated donors', () => {
  it('recovers the parameters it was generated with, within three standard errors', () => {
    const u = seededRandom(2010);
    const truth: BgBbParams = { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8 };
    const frequency: number[] = [];
    const recency: number[] = [];
    const periods: number[] = [];
    for (let i = 0; i < 30_000; i++) {
      // Cohorts observed for 4 … 11 opportunities; at each one the donor may first leave, then give.
      const n = 4 + (i % 8);
      const p = sampleBeta(u, truth.alpha, truth.beta);
      const theta = sampleBeta(u, truth.gamma, truth.delta);
      let x = 0;
      let tx = 0;
      for (let t = 1; t <= n; t++) {
        if (u() < theta) break;
        if (u() < p) {
          x++;
          tx = t;
        }
      }
      frequency.push(x);
      recency.push(tx);
      periods.push(n);
    }
    const fit = fitBgBb({ frequency, recency, periods });
    expect(fit.converged).toBe(true);
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) {
      const se = fit.standardErrors[k] as number;
      expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(3 * se);
    }
  });
});
