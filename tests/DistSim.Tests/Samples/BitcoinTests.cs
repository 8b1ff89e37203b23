using System.Globalization;
using System.Text.Json;
using DistSim.Nodes;
using DistSim.Samples.Bitcoin;
using DistSim.Samples.Cli;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class BitcoinTests
{
    private static JsonElement Json(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(Runner.Execute([.. args, "--json"], output, error) == 0, error.ToString());
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    private static BitcoinRun Play(ulong seed, BitcoinOptions options) => BitcoinNetwork.Play(seed, options, RunSettings.Recorded);

    private static void InInterval(JsonElement r, string name, double theory)
    {
        double low = r.GetProperty(name + "Low").GetDouble(), high = r.GetProperty(name + "High").GetDouble();
        Assert.True(theory >= low && theory <= high, string.Create(CultureInfo.InvariantCulture, $"{name}: theory {theory} outside the measured interval [{low}, {high}] ({r.GetProperty(name).GetDouble()})"));
    }

    private static void OutsideInterval(JsonElement r, string name, double theory)
    {
        double low = r.GetProperty(name + "Low").GetDouble(), high = r.GetProperty(name + "High").GetDouble();
        Assert.False(theory >= low && theory <= high, string.Create(CultureInfo.InvariantCulture, $"{name}: {theory} should lie outside [{low}, {high}]"));
    }

    [Theory(DisplayName = "Whitepaper §11 formula: Nakamoto's table")]
    [InlineData(0.1, 0, 1.0)]
    [InlineData(0.1, 1, 0.2045873)]
    [InlineData(0.1, 5, 0.0009137)]
    [InlineData(0.1, 10, 0.0000012)]
    [InlineData(0.3, 5, 0.1773523)]
    [InlineData(0.3, 10, 0.0416605)]
    [InlineData(0.3, 50, 0.0000006)]
    public void Whitepaper_MatchesPublishedTable(double q, int z, double expected) =>
        Assert.Equal(expected, BitcoinTheory.Whitepaper(q, z), 7);

    [Theory(DisplayName = "Exact race: the negative-binomial sum, Grunspan–Pérez-Marco's I_4pq(z,1/2) and a dynamic programme agree")]
    [InlineData(0.1, 1)]
    [InlineData(0.1, 5)]
    [InlineData(0.25, 3)]
    [InlineData(0.3, 5)]
    [InlineData(0.3, 10)]
    [InlineData(0.45, 6)]
    public void ExactRace_ThreeMethodsAgree(double q, int z)
    {
        double catchUp = BitcoinTheory.ExactCatchUp(q, z);
        Assert.Equal(BitcoinTheory.GrunspanCatchUp(q, z), catchUp, 10);
        Assert.Equal(BitcoinTheory.RaceByDynamicProgramming(q, z, lead: 0, cap: 400), catchUp, 9);
        Assert.Equal(BitcoinTheory.RaceByDynamicProgramming(q, z, lead: 1, cap: 400), BitcoinTheory.ExactOvertake(q, z), 9);
        Assert.True(BitcoinTheory.ExactOvertake(q, z) < catchUp); // getting ahead is harder than catching up
    }

    [Fact(DisplayName = "Exact race, z = 1, by hand: catching up 2q; overtaking p(q/p)² + pq(q/p) + q²")]
    public void ExactRace_OneConfirmation_ByHand()
    {
        // z = 1: m ~ Geometric; catching up from deficit 1 - m: P = p·(q/p) + (1 - p) = 2q.
        Assert.Equal(0.2, BitcoinTheory.ExactCatchUp(0.1, 1), 12);
        // Overtake: m = 0 (chance p) then (q/p)^2; m = 1 (chance pq) then q/p; m >= 2 (chance q^2) wins.
        double q = 0.1, p = 0.9;
        Assert.Equal((p * (q / p) * (q / p)) + (p * q * (q / p)) + (q * q), BitcoinTheory.ExactOvertake(q, 1), 12);
    }

    [Theory(DisplayName = "Eyal–Sirer revenue: equal to α at the threshold (1−γ)/(3−2γ), and to the state machine solved numerically")]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.75)]
    public void SelfishRevenue_ThresholdAndMarkovChain(double gamma)
    {
        double threshold = BitcoinTheory.SelfishThreshold(gamma);
        Assert.Equal(threshold, BitcoinTheory.SelfishRevenue(threshold, gamma), 12);
        Assert.True(BitcoinTheory.SelfishRevenue(threshold + 0.05, gamma) > threshold + 0.05);
        if (threshold > 0.05)
        {
            Assert.True(BitcoinTheory.SelfishRevenue(threshold - 0.05, gamma) < threshold - 0.05);
        }

        foreach (double alpha in new[] { 0.1, 0.2, 0.3, 0.4, 0.45 })
        {
            Assert.Equal(BitcoinTheory.SelfishRevenueByMarkovChain(alpha, gamma), BitcoinTheory.SelfishRevenue(alpha, gamma), 9);
        }
    }

    [Fact(DisplayName = "Eyal–Sirer: the paper's thresholds (1/3 at γ = 0, 1/4 at γ = 1/2, 0 at γ = 1)")]
    public void SelfishThreshold_PublishedValues()
    {
        Assert.Equal(1 / 3.0, BitcoinTheory.SelfishThreshold(0), 12);
        Assert.Equal(0.25, BitcoinTheory.SelfishThreshold(0.5), 12);
        Assert.Equal(0, BitcoinTheory.SelfishThreshold(1), 12);
        Assert.Equal(1, BitcoinTheory.SelfishRevenue(0.4999999, 0), 5); // with half the hash power the pool takes every block
    }

    [Theory(DisplayName = "The whitepaper underestimates the exact catch-up chance at these points: honest blocks do not arrive in exactly their expected time")]
    [InlineData(0.1, 5)]
    [InlineData(0.3, 5)]
    [InlineData(0.3, 10)]
    [InlineData(0.25, 3)]
    public void Whitepaper_BelowExactRace(double q, int z)
    {
        Assert.True(BitcoinTheory.ExactCatchUp(q, z) > BitcoinTheory.Whitepaper(q, z));
        Assert.True(BitcoinTheory.ExactCatchUp(0.1, 1) < BitcoinTheory.Whitepaper(0.1, 1)); // not everywhere: at z = 1 it overestimates (2q = 0.2 against 0.2046)
    }

    [Fact(DisplayName = "Forks, 60 s delay: ties happen and are resolved by the longest chain; every reorganisation goes to a higher block")]
    public void Forks_OccurAndResolveByLongestChain()
    {
        var options = new BitcoinOptions(BitcoinMode.Forks, BitcoinOptions.EqualShares(5, 0), Delay.Constant(TimeSpan.FromSeconds(60)), 400);
        BitcoinRun run = Play(3, options);
        BitcoinRecord record = BitcoinRecord.Of(run);

        Assert.Equal(400, run.Ledger.Mined);
        Assert.True(record.ForkHeights > 10, $"forks: {record.ForkHeights}");
        Assert.True(run.Ledger.Ties > 10);
        Assert.NotEmpty(run.Ledger.Reorgs);
        Assert.All(run.Ledger.Reorgs, r => Assert.True(r.To.Height > r.From.Height)); // first seen: never switch on a tie
        Assert.Equal(record.Orphans, record.Mined - record.MainLength);

        // Every block went to every other miner over the network.
        long delivered = run.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver && e.Payload is Block);
        Assert.Equal(400 * 4, delivered);

        // After the last deliveries every miner holds the same chain below its tip (a tie at the very top may remain).
        Block[] chain = run.FinalChain();
        for (int i = 0; i < 5; i++)
        {
            Block[] own = run.Ledger.Chain(run.Simulation.GetNode<ChainNode>(new NodeId(i)).Tip);
            Assert.True(own.Length >= chain.Length - 1 && own.Length <= chain.Length + 1);
            Assert.Equal(chain[own.Length - 2].Id, own[^2].Id);
        }
    }

    [Fact(DisplayName = "Double spend, q = 0.4, z = 2: a winning attacker withholds, publishes once longer after z confirmations, and the honest chain reorganises")]
    public void DoubleSpend_WinningAttackerReorganisesHonestChain()
    {
        var options = new BitcoinOptions(BitcoinMode.DoubleSpend, BitcoinOptions.EqualShares(4, 0.4), Delay.Constant(TimeSpan.FromSeconds(1)), 10_000, 0.4, Confirmations: 2);
        BitcoinRun? won = null, lost = null;
        for (ulong seed = 1; seed < 100 && (won is null || lost is null); seed++)
        {
            BitcoinRun run = Play(seed, options);
            if (BitcoinRecord.Of(run).Attack == 1)
            {
                won ??= run;
            }
            else
            {
                lost ??= run;
            }
        }

        Assert.NotNull(won);
        Assert.NotNull(lost);
        const int attacker = 4;
        Publication attack = Assert.Single(won.Ledger.Publications);
        Assert.Equal("attack", attack.State);
        Assert.True(attack.PublicHeight >= 2 && attack.Blocks[^1].Height > attack.PublicHeight);

        // Withheld: the attacker sent no block before it published, then all of them.
        var sends = won.Simulation.Trace.Events.Where(e => e.Kind == TraceEventKind.Send && e.Node.Value == attacker).ToList();
        Assert.All(sends, e => Assert.Equal(attack.At, e.Time));
        Assert.Equal(attack.Blocks.Count * 4, sends.Count);

        // Every honest miner reorganised to the attacker's chain, abandoning the payment's block and its confirmations.
        for (int i = 0; i < 4; i++)
        {
            Reorg r = won.Ledger.Reorgs.Last(x => x.Miner == i);
            Assert.Equal(attacker, r.To.Miner);
            Assert.True(r.Depth >= 2);
        }

        Assert.Equal(attacker, won.FinalChain()[1].Miner);

        // A losing attacker published nothing and the payment's block stayed.
        Assert.Empty(lost.Ledger.Publications);
        Assert.NotEqual(attacker, lost.FinalChain()[1].Miner);
        Assert.True(((DoubleSpender)lost.Adversary!).GaveUp);
    }

    [Fact(DisplayName = "Selfish pool, α = 0.35: it withholds blocks and publishes in each state of Eyal–Sirer's machine; overrides reorganise the honest miners")]
    public void Selfish_WithholdsAndPublishesByStateMachine()
    {
        var options = new BitcoinOptions(BitcoinMode.Selfish, BitcoinOptions.EqualShares(5, 0.35), Delay.Constant(TimeSpan.FromSeconds(1)), 1500, 0.35, Gamma: 0.5);
        BitcoinRun run = Play(5, options);
        const int pool = 5;
        Ledger ledger = run.Ledger;
        Assert.True(ledger.Withheld > 100);
        foreach (string state in new[] { "tie", "override", "release", "win-race" })
        {
            Assert.Contains(ledger.Publications, p => p.State == state);
        }

        foreach (Publication p in ledger.Publications)
        {
            int top = p.Blocks[^1].Height;
            switch (p.State)
            {
                case "tie":
                    Assert.Equal(p.PublicHeight, top); // matches the honest block: a race
                    break;
                case "override":
                    Assert.Equal(p.PublicHeight + 1, top); // one ahead: wins outright
                    break;
                case "release":
                    Assert.Equal(p.PublicHeight, top); // up to the honest height, still ahead in private
                    break;
                case "win-race":
                    Assert.Single(p.Blocks);
                    Assert.Equal(p.PublicHeight + 1, top);
                    break;
            }
        }

        // Withheld blocks went out later than they were found, never before.
        var sentAt = run.Simulation.Trace.Events.Where(e => e.Kind == TraceEventKind.Send && e.Node.Value == pool && e.Payload is Block)
            .Select(e => (Block: (Block)e.Payload!, e.Time)).ToList();
        Assert.All(sentAt, s => Assert.True(s.Time >= s.Block.MinedAt));
        Assert.Contains(sentAt, s => s.Time > s.Block.MinedAt);

        // Overrides made honest miners abandon their blocks for the pool's chain.
        Assert.Contains(ledger.Reorgs, r => r.Miner != pool && r.To.Miner == pool && r.From.Miner != pool);
        // Ties were split by γ: some honest miners took the pool's side of a tie.
        Assert.Contains(ledger.Reorgs, r => r.Miner != pool && r.To.Miner == pool && r.To.Height == r.From.Height);
    }

    [Fact(DisplayName = "bitcoin forks, const:30s: the measured fork rate's interval holds the per-miner model")]
    public void Forks_ConstantDelay_AgreesWithModel()
    {
        JsonElement r = Json("bitcoin", "--propagation-delay", "const:30s", "--miners", "8", "--blocks", "5000", "--sweep", "4", "--seed", "11");
        InInterval(r, "forkRate", r.GetProperty("forkRateMinerModel").GetDouble());
        Assert.Equal(20_000, r.GetProperty("blocksMined").GetInt32());
    }

    [Fact(DisplayName = "bitcoin forks, exp:60s: random delays fork less than 1 − e^(−τ/600) says; the per-miner model holds")]
    public void Forks_ExponentialDelay_BelowSimpleModel()
    {
        JsonElement r = Json("bitcoin", "--propagation-delay", "exp:60s", "--shares", "0.4,0.3,0.2,0.1", "--blocks", "5000", "--sweep", "4", "--seed", "21");
        InInterval(r, "forkRate", r.GetProperty("forkRateMinerModel").GetDouble());
        Assert.True(r.GetProperty("forkRateHigh").GetDouble() < r.GetProperty("forkRateSimpleModel").GetDouble());
    }

    [Fact(DisplayName = "bitcoin --double-spend, q = 0.3, z = 3: the success rate holds the exact race, not the whitepaper's estimate")]
    public void DoubleSpend_AgreesWithExactRace()
    {
        JsonElement r = Json("bitcoin", "--double-spend", "--attacker", "0.3", "--confirmations", "3", "--miners", "4", "--sweep", "4000", "--seed", "7");
        Assert.Equal(0, r.GetProperty("undecided").GetInt32());
        InInterval(r, "attackerSuccessRate", BitcoinTheory.ExactOvertake(0.3, 3));
        OutsideInterval(r, "attackerSuccessRate", BitcoinTheory.Whitepaper(0.3, 3));
    }

    [Theory(DisplayName = "bitcoin --selfish: the pool's revenue share holds Eyal–Sirer's closed form")]
    [InlineData("0.25", "0.9")]
    [InlineData("0.4", "0")]
    public void Selfish_AgreesWithEyalSirer(string alpha, string gamma)
    {
        JsonElement r = Json("bitcoin", "--selfish", "--alpha", alpha, "--gamma", gamma, "--blocks", "20000", "--seed", "3");
        InInterval(r, "poolRevenueShare", r.GetProperty("poolRevenueShareTheory").GetDouble());
        Assert.True(r.GetProperty("poolRevenueShareLow").GetDouble() > double.Parse(alpha, CultureInfo.InvariantCulture)); // above the threshold: it pays
    }

    [Fact(DisplayName = "bitcoin: same seed, same fingerprint; another seed, another")]
    public void SameSeed_SameFingerprint()
    {
        var options = new BitcoinOptions(BitcoinMode.Selfish, BitcoinOptions.EqualShares(3, 0.3), Delay.Exponential(TimeSpan.FromSeconds(5)), 300, 0.3, Gamma: 0.5);
        ulong a = BitcoinNetwork.Play(9, options, RunSettings.Unrecorded).Run.Fingerprint;
        Assert.Equal(a, BitcoinNetwork.Play(9, options, RunSettings.Unrecorded).Run.Fingerprint);
        Assert.NotEqual(a, BitcoinNetwork.Play(10, options, RunSettings.Unrecorded).Run.Fingerprint);
        Assert.Equal(Json("bitcoin", "--sweep", "3", "--blocks", "300").GetProperty("fingerprint").GetString(),
            Json("bitcoin", "--sweep", "3", "--blocks", "300", "--parallel", "1").GetProperty("fingerprint").GetString());
    }

    [Fact(DisplayName = "bitcoin: options of another mode are refused; the JSON has only the mode's figures")]
    public void Options_ModeChecked()
    {
        var error = new StringWriter();
        Assert.Equal(Runner.UsageError, Runner.Execute(["bitcoin", "--alpha", "0.3"], new StringWriter(), error));
        Assert.Equal(Runner.UsageError, Runner.Execute(["bitcoin", "--double-spend", "--attacker", "0.5"], new StringWriter(), error));
        Assert.Equal(Runner.UsageError, Runner.Execute(["bitcoin", "--shares", "0.5,0.4"], new StringWriter(), error));
        JsonElement forks = Json("bitcoin", "--blocks", "100");
        Assert.True(forks.TryGetProperty("forkRate", out _));
        Assert.False(forks.TryGetProperty("attackerSuccessRate", out _));
        Assert.False(forks.TryGetProperty("poolRevenueShare", out _));
    }
}
