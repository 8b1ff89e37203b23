using System.Text.Json;
using DistSim.Samples.ByzantineGenerals;
using DistSim.Samples.Cli;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class ByzantineGeneralsTests
{
    private static JsonElement Json(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(Runner.Execute([.. args, "--json"], output, error) == 0, error.ToString());
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact(DisplayName = "OM(1), n=4, exhaustive: IC1 and IC2 hold for every traitor position and behaviour; 9 messages")]
    public void Om1_N4_Exhaustive_AlwaysCorrect()
    {
        JsonElement r = Json("byzantine-generals", "--n", "4", "--m", "1", "--exhaustive");

        Assert.Equal(81, r.GetProperty("cases").GetInt32()); // 27 behaviours of a traitorous commander + 3 positions × 2 orders × 9
        Assert.Equal(0, r.GetProperty("ic1Violations").GetInt32());
        Assert.Equal(0, r.GetProperty("ic2Violations").GetInt32());
        Assert.Equal(9, r.GetProperty("messageCount").GetInt32());
    }

    [Fact(DisplayName = "OM(2), n=7, 2,000 seeds: 156 messages, no violation")]
    public void Om2_N7_Sweep_156Messages_NoViolation()
    {
        JsonElement r = Json("byzantine-generals", "--n", "7", "--m", "2", "--sweep", "2000");

        Assert.Equal(156, r.GetProperty("messageCountMin").GetInt32());
        Assert.Equal(156, r.GetProperty("messageCountMax").GetInt32());
        Assert.Equal(0, r.GetProperty("ic1Violations").GetInt32());
        Assert.Equal(0, r.GetProperty("ic2Violations").GetInt32());
    }

    [Fact(DisplayName = "OM(1), n=3, exhaustive: a traitor breaks IC2, never IC1")]
    public void Om1_N3_Exhaustive_BreaksIc2Only()
    {
        JsonElement r = Json("byzantine-generals", "--n", "3", "--m", "1", "--exhaustive");

        Assert.True(r.GetProperty("ic2Violations").GetInt32() > 0);
        Assert.Equal(0, r.GetProperty("ic1Violations").GetInt32());
    }

    [Fact(DisplayName = "OM(2), n=6 (n = 3m): some seed breaks IC1")]
    public void Om2_N6_SomeSeedBreaksIc1() =>
        Assert.True(Json("byzantine-generals", "--n", "6", "--m", "2", "--sweep", "300").GetProperty("ic1Violations").GetInt32() > 0);

    [Fact(DisplayName = "SM(1), n=3, traitorous commander: both loyal lieutenants decide the same")]
    public void Sm1_N3_TraitorousCommander_LieutenantsAgree()
    {
        int runs = 0;
        IReadOnlyList<int>? prefix = [];
        while (prefix is not null)
        {
            var choices = new ScriptedChoices(prefix);
            GeneralsRun run = Generals.Play(1, 3, 1, signed: true, new HashSet<int> { 0 }, Order.Attack, () => choices);
            Assert.Equal(run.Decisions[1], run.Decisions[2]);
            runs++;
            prefix = choices.Next();
        }

        Assert.Equal(9, runs); // attack, retreat or nothing to each of the two lieutenants
    }

    [Fact]
    public void TraitorsDeviations_AreInTheTrace()
    {
        // The traitorous commander tells L1 "retreat" and L2 nothing (choices: lie, silence, truth).
        var choices = new ScriptedChoices([1, 2, 0]);
        GeneralsRun run = Generals.Play(1, 4, 1, signed: false, new HashSet<int> { 0 }, Order.Attack, () => choices);

        var faults = run.Simulation.Trace.Events.Where(e => e.Kind == TraceEventKind.Byzantine).ToList();
        Assert.Equal(2, faults.Count);
        Assert.Equal((long)DistSim.Failures.FaultKinds.Lie, faults[0].TimerNumber);
        Assert.Equal((long)DistSim.Failures.FaultKinds.Silence, faults[1].TimerNumber);
        Assert.Equal(6, run.Messages); // 2 from the commander; L1 and L3 relay to their 2 peers; L2, told nothing, relays nothing
        Assert.True(run.Ic1);
    }

    [Fact]
    public void MessageCount_FollowsTheFormula()
    {
        Assert.Equal(9, Generals.OralMessageCount(4, 1));
        Assert.Equal(156, Generals.OralMessageCount(7, 2));
        Assert.Equal(4, Generals.OralMessageCount(3, 1));
    }

    [Fact]
    public void Subsets_EnumeratesEveryPosition() =>
        Assert.Equal(["0,1", "0,2", "0,3", "1,2", "1,3", "2,3"], Generals.Subsets(4, 2).Select(s => string.Join(",", s)));
}
