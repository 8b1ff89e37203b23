using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace DistSim.Samples.Bitcoin;

/// <summary>
/// The published formulas the <c>bitcoin</c> scenario measures against: the simple fork model, Nakamoto's double-spend
/// estimate (whitepaper §11), the exact race probability (Rosenfeld 2014; Grunspan and Pérez-Marco 2017) and Eyal and
/// Sirer's selfish-mining revenue; each with a second, independent calculation for the tests. Pure functions; thread-safe.
/// </summary>
public static class BitcoinTheory
{
    /// <summary>The network's mean block interval, 600 s.</summary>
    public static readonly TimeSpan BlockInterval = TimeSpan.FromSeconds(600);

    /// <summary>The simple fork model 1 − e^(−τ/T): the chance that another block is found while one propagates for τ.</summary>
    /// <param name="delay">The propagation delay τ.</param>
    public static double SimpleForkRate(TimeSpan delay) => 1 - Math.Exp(-delay.TotalSeconds / BlockInterval.TotalSeconds);

    /// <summary>
    /// The fork rate per height for miners with the given <paramref name="shares"/> over a one-hop network whose delays
    /// have Laplace transform <paramref name="laplace"/> (L(λ) = E[e^(−λ D)], D in seconds): the first block at a height is
    /// found by miner i with chance sᵢ; no fork happens if no other miner j finds one before i's block reaches it, which
    /// has chance L(sⱼ/T). So the rate is Σᵢ sᵢ (1 − Πⱼ≠ᵢ L(sⱼ/T)).
    /// </summary>
    /// <param name="shares">Hash-power shares, summing to 1.</param>
    /// <param name="laplace">The delay distribution's Laplace transform.</param>
    public static double ForkRate(IReadOnlyList<double> shares, Func<double, double> laplace)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(laplace);
        double rate = 0, t = BlockInterval.TotalSeconds;
        for (int i = 0; i < shares.Count; i++)
        {
            double none = 1;
            for (int j = 0; j < shares.Count; j++)
            {
                none *= j == i ? 1 : laplace(shares[j] / t);
            }

            rate += shares[i] * (1 - none);
        }

        return rate;
    }

    /// <summary>Nakamoto's whitepaper §11: the attacker's progress while the honest chain makes z blocks taken as Poisson with mean z·q/p.</summary>
    /// <param name="q">The attacker's hash share, in [0, 1).</param>
    /// <param name="z">Confirmations the merchant waits for.</param>
    public static double Whitepaper(double q, int z)
    {
        CheckAttack(q, z);
        double p = 1 - q;
        if (q >= p || z == 0)
        {
            return 1;
        }

        double lambda = z * (q / p), sum = 1;
        for (int k = 0; k <= z; k++)
        {
            sum -= Poisson.PMF(lambda, k) * (1 - Math.Pow(q / p, z - k));
        }

        return sum;
    }

    /// <summary>
    /// The exact probability that the attacker ever <em>catches up</em> (reaches the honest chain's length, Nakamoto's
    /// criterion): its blocks while the honest chain makes z are negative binomial, m ~ NB(z, p), and from a deficit d it
    /// catches up with chance (q/p)^d (Rosenfeld 2014). Equal to I₄ₚq(z, ½) (Grunspan and Pérez-Marco 2017).
    /// </summary>
    /// <param name="q">The attacker's hash share, in [0, 1).</param>
    /// <param name="z">Confirmations.</param>
    public static double ExactCatchUp(double q, int z) => Race(q, z, lead: 0);

    /// <summary>
    /// The exact probability that the attacker's chain ever becomes <em>strictly longer</em> than the honest chain after
    /// z confirmations: what a network with the first-seen rule needs before honest nodes reorganise. Negative binomial for
    /// the attacker's blocks while the honest chain makes z, then (q/p)^(d+1) from a deficit d.
    /// </summary>
    /// <param name="q">The attacker's hash share, in [0, 1).</param>
    /// <param name="z">Confirmations.</param>
    public static double ExactOvertake(double q, int z) => Race(q, z, lead: 1);

    /// <summary>Grunspan and Pérez-Marco's closed form of <see cref="ExactCatchUp"/>: the regularised incomplete beta I₄ₚq(z, ½).</summary>
    /// <param name="q">The attacker's hash share, in [0, ½).</param>
    /// <param name="z">Confirmations, at least 1.</param>
    public static double GrunspanCatchUp(double q, int z)
    {
        CheckAttack(q, z);
        double p = 1 - q;
        return z == 0 || q >= p ? 1 : SpecialFunctions.BetaRegularized(z, 0.5, 4 * p * q);
    }

    /// <summary>
    /// The race by dynamic programming, with no closed form used: the joint distribution of (honest, attacker) blocks block
    /// by block until the honest chain has z, then the catch-up chance as the solution of v(d) = q·v(d−1) + p·v(d+1),
    /// v(d ≤ 0) = 1, v(<paramref name="cap"/>) = 0, found by value iteration. A check of <see cref="ExactCatchUp"/> and
    /// <see cref="ExactOvertake"/>; its truncation error is about (q/p)^cap.
    /// </summary>
    /// <param name="q">The attacker's hash share.</param>
    /// <param name="z">Confirmations.</param>
    /// <param name="lead">0: catching up wins; 1: the attacker must get one block ahead.</param>
    /// <param name="cap">The deficit treated as lost.</param>
    public static double RaceByDynamicProgramming(double q, int z, int lead, int cap = 200)
    {
        CheckAttack(q, z);
        double p = 1 - q;
        var v = new double[cap + 1]; // v[d]: chance of ever gaining d blocks net
        v[0] = 1;
        for (int sweep = 0; sweep < 200_000; sweep++)
        {
            double change = 0;
            for (int d = 1; d < cap; d++)
            {
                double next = (q * v[d - 1]) + (p * v[d + 1]);
                change = Math.Max(change, Math.Abs(next - v[d]));
                v[d] = next;
            }

            if (change < 1e-15)
            {
                break;
            }
        }

        // prob[m]: chance the attacker has m blocks when the honest chain has h; m is capped where it would already win.
        int most = z + lead + cap;
        var prob = new double[most + 1];
        prob[0] = 1;
        for (int h = 0; h < z; h++)
        {
            // Blocks arrive one at a time: the attacker's with chance q, the honest's with p; stop at the honest's.
            var stop = new double[most + 1];
            var carry = (double[])prob.Clone();
            for (int m = 0; m <= most; m++)
            {
                stop[m] += carry[m] * p;
                if (m < most)
                {
                    carry[m + 1] += carry[m] * q;
                }
            }

            prob = stop;
        }

        double win = 0;
        for (int m = 0; m <= most; m++)
        {
            int deficit = z + lead - m;
            win += prob[m] * (deficit <= 0 ? 1 : deficit >= cap ? 0 : v[deficit]);
        }

        return win;
    }

    /// <summary>Eyal and Sirer's relative revenue of a selfish pool: [α(1−α)²(4α+γ(1−2α)) − α³] / [1 − α(1+(2−α)α)].</summary>
    /// <param name="alpha">The pool's hash share, in [0, ½).</param>
    /// <param name="gamma">The share of honest hash power that mines on the pool's block in a tie, in [0, 1].</param>
    public static double SelfishRevenue(double alpha, double gamma)
    {
        CheckSelfish(alpha, gamma);
        double a = alpha;
        return ((a * (1 - a) * (1 - a) * ((4 * a) + (gamma * (1 - (2 * a))))) - (a * a * a)) / (1 - (a * (1 + ((2 - a) * a))));
    }

    /// <summary>Eyal and Sirer's threshold (1−γ)/(3−2γ): above it selfish mining earns more than the pool's share.</summary>
    /// <param name="gamma">γ, in [0, 1].</param>
    public static double SelfishThreshold(double gamma) => (1 - gamma) / (3 - (2 * gamma));

    /// <summary>
    /// The selfish pool's revenue from Eyal and Sirer's state machine itself, solved numerically (a check of
    /// <see cref="SelfishRevenue"/>): states 0, 0′, 1, 2, …, <paramref name="cap"/>; the stationary distribution by a
    /// linear solve; each transition's blocks credited as the paper does.
    /// </summary>
    /// <param name="alpha">The pool's share.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="cap">The highest lead kept (the chance of reaching it is about α^cap).</param>
    public static double SelfishRevenueByMarkovChain(double alpha, double gamma, int cap = 200)
    {
        CheckSelfish(alpha, gamma);
        double a = alpha, b = 1 - alpha;
        int n = cap + 2; // index 0: state 0; 1: state 0'; k+1: lead k (k = 1..cap)
        Matrix<double> m = Matrix<double>.Build.Dense(n, n);
        void Edge(int from, int to, double rate) => m[to, from] += rate;
        Edge(0, 2, a);
        Edge(0, 0, b);
        Edge(2, 3, a);
        Edge(2, 1, b);
        Edge(1, 0, 1);
        for (int k = 2; k <= cap; k++)
        {
            Edge(k + 1, Math.Min(k + 2, n - 1), a);
            Edge(k + 1, k == 2 ? 0 : k, b);
        }

        // π = Mπ, Σπ = 1: replace the last equation by the normalisation.
        Matrix<double> system = m - Matrix<double>.Build.DenseIdentity(n);
        system.SetRow(n - 1, Vector<double>.Build.Dense(n, 1));
        Vector<double> rhs = Vector<double>.Build.Dense(n);
        rhs[n - 1] = 1;
        Vector<double> pi = system.Solve(rhs);

        double pool = 0, honest = 0;
        honest += pi[0] * b; // 0: others find a block
        pool += pi[1] * ((a * 2) + (b * gamma * 1)); // 0': the pool's two, or its one with an honest block on top
        honest += pi[1] * ((b * gamma * 1) + (b * (1 - gamma) * 2));
        pool += pi[3] * b * 2; // lead 2: others find one, the pool publishes both
        for (int k = 3; k <= cap; k++)
        {
            pool += pi[k + 1] * b; // lead k > 2: each honest block costs the pool one published block, which wins
        }

        return pool / (pool + honest);
    }

    /// <summary>The first of the miners' shares below 0, or a sum away from 1, as an argument error.</summary>
    /// <param name="shares">The shares.</param>
    internal static void CheckShares(IReadOnlyList<double> shares)
    {
        if (shares.Any(s => !(s > 0)) || Math.Abs(shares.Sum() - 1) > 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(shares), string.Join(",", shares), "must be positive and sum to 1");
        }
    }

    private static double Race(double q, int z, int lead)
    {
        CheckAttack(q, z);
        double p = 1 - q;
        if (q >= p)
        {
            return 1;
        }

        if (z == 0)
        {
            return Math.Pow(q / p, lead);
        }

        // Σ over m < z + lead of NB(m; z, p)·(q/p)^(z + lead − m); the rest of the mass wins outright.
        double win = 1;
        for (int m = 0; m < z + lead; m++)
        {
            double nb = NegativeBinomial.PMF(z, p, m);
            win -= nb * (1 - Math.Pow(q / p, z + lead - m));
        }

        return win;
    }

    private static void CheckAttack(double q, int z)
    {
        if (!(q >= 0 && q < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "must be in [0, 1)");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(z);
    }

    private static void CheckSelfish(double alpha, double gamma)
    {
        if (!(alpha >= 0 && alpha < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must be in [0, 0.5)");
        }

        if (!(gamma >= 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "must be in [0, 1]");
        }
    }
}
