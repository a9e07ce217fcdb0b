import { describe, expect, it } from 'vitest';
import {
  digamma,
  gaussLegendre,
  hyp2f1,
  hyp2f1SignedLog,
  logAddExp,
  logGamma,
  logHyp2f1,
  logSubExp,
  oneMinusExpOver,
  regularizedIncompleteBeta,
} from '../../../src/domain/clv/special.js';

const EULER_GAMMA = 0.5772156649015329;

describe('logGamma', () => {
  it.each([
    [0.5, 0.5 * Math.log(Math.PI)],
    [1, 0],
    [2, 0],
    [10, Math.log(362880)],
    [14.9, 24.924132002217277],
    [15.1, 25.458999750992668],
    [100, 359.1342053695754],
    [1e-8, 18.42068073818021],
    [1e6, 12815504.569147611],
  ])('lnΓ(%d)', (x, expected) => {
    expect(Math.abs(logGamma(x) - expected)).toBeLessThan(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it('satisfies the recurrence lnΓ(x+1) = lnΓ(x) + ln x across the Lanczos/Stirling switch', () => {
    for (const x of [0.1, 0.7, 3.3, 14.5, 14.99, 20, 333.3]) {
      expect(logGamma(x + 1) - logGamma(x) - Math.log(x)).toBeCloseTo(0, 12);
    }
  });
});

describe('digamma', () => {
  it('matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-EULER_GAMMA, 13);
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.LN2, 13);
    expect(digamma(10)).toBeCloseTo(2.251752589066721, 13);
  });

  it('is the derivative of logGamma', () => {
    for (const x of [0.05, 0.9, 4.2, 17, 250]) {
      const h = 1e-5 * x;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 6);
    }
  });
});

describe('hyp2f1', () => {
  it('matches elementary closed forms', () => {
    for (const z of [-5, -0.5, 0.1, 0.5, 0.9, 0.999]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 11);
      expect(hyp2f1(2.5, 3, 3, z) / (1 - z) ** -2.5).toBeCloseTo(1, 12);
    }
    for (const x of [0.3, 0.8, 0.99]) {
      expect(hyp2f1(0.5, 0.5, 1.5, x * x)).toBeCloseTo(Math.asin(x) / x, 11);
    }
  });

  it('stays finite where the plain series overflows (a thousand purchases)', () => {
    // 2F1(a, b; b; z) = (1 − z)^−a: 10^2000 at a = 2000, z = 0.9 — far beyond a double.
    expect(logHyp2f1(2000, 3, 3, 0.9)).toBeCloseTo(2000 * Math.log(10), 8);
    // The Pareto/NBD shape: 2F1(r+s+x, s+1; r+s+x+1; z) with x = 1000.
    const v = hyp2f1SignedLog(1001.1, 1.6, 1002.1, 0.95);
    expect(v.sign).toBe(1);
    expect(Number.isFinite(v.log)).toBe(true);
    // Euler's transformation of it: (1 − z)^(−0.6) 2F1(1, 1000.5; 1002.1; z), summed naively here.
    let term = 1;
    let sum = 1;
    for (let k = 0; k < 5000; k++) {
      term *= ((1000.5 + k) / (1002.1 + k)) * 0.95;
      sum += term;
    }
    expect(v.log).toBeCloseTo(-0.6 * Math.log(0.05) + Math.log(sum), 10);
  });

  it('agrees with the Pfaff transformation for negative z', () => {
    const direct = hyp2f1(0.7, 1.3, 2.9, -0.4);
    const pfaff = 1.4 ** -0.7 * hyp2f1(0.7, 2.9 - 1.3, 2.9, 0.4 / 1.4);
    expect(direct).toBeCloseTo(pfaff, 14);
  });
});

describe('log-space helpers', () => {
  it('adds and subtracts exponentials without overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
    expect(logSubExp(1000, 1000 + Math.log(0.5))).toBeCloseTo(1000 + Math.log(0.5), 12);
    expect(logSubExp(2, 2)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('(1 − e^(εL))/ε is continuous through ε = 0', () => {
    expect(oneMinusExpOver(0, -2)).toBe(2);
    expect(oneMinusExpOver(1e-10, -2)).toBeCloseTo(2, 9);
    expect(oneMinusExpOver(-0.5, -2)).toBeCloseTo((1 - Math.exp(1)) / -0.5, 14);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('matches exact values and the negative binomial tail', () => {
    expect(regularizedIncompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 14);
    expect(regularizedIncompleteBeta(0.2, 1, 1)).toBeCloseTo(0.2, 14);
    // P(NB(r = 2.5, q = 0.3) >= 3) = 1 − Σ_{j<3} pmf.
    const r = 2.5;
    const q = 0.3;
    let cdf = 0;
    for (let j = 0; j < 3; j++)
      cdf += Math.exp(
        logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * Math.log(1 - q) + j * Math.log(q),
      );
    expect(regularizedIncompleteBeta(q, 3, r)).toBeCloseTo(1 - cdf, 13);
  });
});

describe('gaussLegendre', () => {
  it('integrates polynomials of degree 2n − 1 exactly', () => {
    const { nodes, weights } = gaussLegendre(8);
    let s = 0;
    for (let i = 0; i < 8; i++) s += (weights[i] as number) * (nodes[i] as number) ** 14;
    expect(s).toBeCloseTo(2 / 15, 14);
  });
});
