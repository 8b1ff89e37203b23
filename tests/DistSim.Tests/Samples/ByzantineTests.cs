using DistSim.Samples.Byzantine;

namespace DistSim.Tests.Samples;

public class ByzantineTests
{
    [Fact]
    public void Probe()
    {
        var lines = new List<string>();
        for (ulong seed = 1; seed <= 10; seed++)
        {
            RaftLiarRun run = RaftLiar.Play(seed, RaftLiar.Options(3, 30), liar: true);
            RaftLiarRecord r = RaftLiarRecord.Of(run);
            lines.Add($"{seed}: {r}");
            RaftLiarRecord h = RaftLiarRecord.Of(RaftLiar.Play(seed, RaftLiar.Options(3, 30), liar: false));
            lines.Add($"{seed} honest: {h.SafetyViolations} {h.Linearizable} {h.Completed}");
        }

        File.WriteAllLines("/tmp/byz/probe.txt", lines);
    }
}
