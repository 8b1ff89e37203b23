using DistSim.Nodes;
using DistSim.Scheduling;

namespace DistSim.Tests.Scheduling;

/// <summary>
/// PCT's guarantee (Burckhardt et al., ASPLOS 2010) on instances small enough to know: a bug of depth d among n nodes
/// and k steps is found with probability at least 1/(n·k^(d−1)). Node A takes steps a1, a2, … (its start, then
/// zero-delay timers), node B steps b1, …, all at time zero, so every step is a choice among both nodes.
/// </summary>
public class PctTests
{
    /// <summary>The order in which the steps of A (<paramref name="aSteps"/>) and B (<paramref name="bSteps"/>) ran, e.g. <c>abab</c>.</summary>
    private static string Order(ulong seed, Scheduler scheduler, int aSteps, int bSteps)
    {
        var order = new System.Text.StringBuilder();
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, Scheduler = scheduler });
        sim.AddNode("B", () => new Stepper('b', bSteps, order)); // B first: FIFO runs b1 before a1
        sim.AddNode("A", () => new Stepper('a', aSteps, order));
        sim.Run();
        return order.ToString();
    }

    private static double Fraction(int seeds, Func<ulong, bool> found) =>
        Enumerable.Range(0, seeds).Count(s => found((ulong)s)) / (double)seeds;

    [Fact(DisplayName = "PCT, depth 1: priorities alone run either node first, half the time each")]
    public void Depth1_OrdersTheNodes_EachWayHalfTheTime()
    {
        double aFirst = Fraction(2000, s => Order(s, Schedulers.Pct(1, 3), 2, 1) == "aab");
        double bFirst = Fraction(2000, s => Order(s, Schedulers.Pct(1, 3), 2, 1) == "baa");
        Assert.InRange(aFirst, 0.45, 0.55);
        Assert.InRange(aFirst + bFirst, 1, 1); // no change point: a node runs to its end before the other starts
    }

    [Fact(DisplayName = "PCT, depth 2: b1 between a1 and a2 with probability 1/(n·k) = 1/6")]
    public void Depth2_FindsTheBug_AsOftenAsTheBoundSays()
    {
        // n = 2 nodes, k = 3 steps, d = 2: the bound is 1/(2·3) = 1/6, and on this instance it is exact (A above B,
        // and the change point at the second step). 3,000 seeds: the standard error is 0.0068; four of them is the margin.
        double found = Fraction(3000, s => Order(s, Schedulers.Pct(2, 3), 2, 1) == "aba");
        Assert.InRange(found, 1 / 6.0 - 0.028, 1 / 6.0 + 0.028);
        Assert.Equal(0, Fraction(500, s => Order(s, Schedulers.Pct(1, 3), 2, 1) == "aba")); // depth 1 never finds it
        Assert.Equal(0, Fraction(200, s => Order(s, Schedulers.Fifo, 2, 1) == "aba"));
    }

    [Fact(DisplayName = "PCT, depth 3: a1 b1 a2 b2 with probability at least 1/(n·k²) = 1/32")]
    public void Depth3_FindsTheBug_AtLeastAsOftenAsTheBoundSays()
    {
        const double bound = 1 / 32.0; // n = 2, k = 4, d = 3
        double found = Fraction(4000, s => Order(s, Schedulers.Pct(3, 4), 2, 2) == "abab");
        Assert.True(found >= bound - 4 * Math.Sqrt(bound * (1 - bound) / 4000), $"found in {found:P2} of the runs; the bound is {bound:P2}");
        Assert.Equal(0, Fraction(500, s => Order(s, Schedulers.Pct(2, 4), 2, 2) == "abab")); // one change point is not enough
    }

    [Fact]
    public void SameSeed_SameChoices_OtherSeeds_OtherOrders()
    {
        Assert.Equal(Order(17, Schedulers.Pct(3, 6), 3, 3), Order(17, Schedulers.Pct(3, 6), 3, 3));
        Assert.True(Enumerable.Range(0, 60).Select(s => Order((ulong)s, Schedulers.Pct(3, 6), 3, 3)).Distinct().Count() >= 5);
    }

    [Fact]
    public void DelayBounding_OneDelay_SkipsToTheOtherNodeOnce()
    {
        // FIFO runs b's start, a's start, then a's timer: "baa". One delay at step 0 runs a first, then FIFO's choice
        // again ("aba"); at steps 1 and 2 only A has a candidate, so the delay skips round to A ("baa").
        string[] orders = [.. Enumerable.Range(0, 600).Select(s => Order((ulong)s, Schedulers.DelayBounding(1, 3), 2, 1))];
        Assert.Equal(["aba", "baa"], orders.Distinct().Order());
        Assert.InRange(orders.Count(o => o == "aba") / 600.0, 1 / 3.0 - 0.08, 1 / 3.0 + 0.08);
        Assert.All(Enumerable.Range(0, 50), s => Assert.Equal("baa", Order((ulong)s, Schedulers.DelayBounding(0, 3), 2, 1)));
    }

    private sealed class Stepper(char name, int steps, System.Text.StringBuilder order) : Node
    {
        private int _done;

        public override void OnStart() => Step();

        public override void OnTimer(TimerId timer, object? state) => Step();

        private void Step()
        {
            order.Append(name);
            if (++_done < steps)
            {
                SetTimer(TimeSpan.Zero);
            }
        }
    }
}
