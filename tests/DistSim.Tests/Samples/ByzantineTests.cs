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
            RaftLiarRecord r = RaftLiarRecord.Of(RaftLiar.Play(seed, RaftLiar.Options(3, 30), liar: true));
            lines.Add($"{seed}: {r}");
        }

        foreach (int n in new[] { 4, 7, 10 })
        {
            PbftRun run = PbftCluster.Play(1, new PbftOptions(Replicas: n, Faulty: 0));
            lines.Add($"pbft n={n} ff: {run.Run.Outcome} done {run.Completed} sent {run.Simulation.Messages.Sent} obs {run.Observer.MessagesSent} per {(double)run.Simulation.Messages.Sent / run.Completed} pred {PbftOptions.PredictedMessagesPerRequest(n)} viol {run.Observer.Violations} {run.Verdict.Verdict} {string.Join(",", run.Observer.Sent.Select(kv => kv.Key + "=" + kv.Value))}");
        }

        foreach (int n in new[] { 4, 7 })
        {
            foreach (PbftFault? fault in new PbftFault?[] { null, PbftFault.Equivocate, PbftFault.Silent, PbftFault.Tamper, PbftFault.Forge, PbftFault.Replay })
            {
                for (ulong seed = 1; seed <= 3; seed++)
                {
                    PbftRun run = PbftCluster.Play(seed, new PbftOptions(Replicas: n, Faulty: (n - 1) / 3, Fault: fault, FaultyPrimary: seed == 1));
                    lines.Add($"pbft n={n} {fault} s{seed} {string.Join(",", run.Behaviors.Keys)}: {run.Run.Outcome} t={run.Simulation.Now} done {run.Completed} viol {run.Observer.Violations} {run.Observer.FirstViolation} {run.Verdict.Verdict} vc {run.Observer.ViewChangesSent} nv {run.Observer.NewViewsSent} views {run.Observer.HighestView} afterVc {run.Observer.ExecutedAfterViewChange} rej {string.Join(",", run.Observer.Rejected.Select(kv => kv.Key + "=" + kv.Value))} fault {run.Simulation.Failure?.Message.Split('\n')[0]}");
                }
            }
        }

        File.WriteAllLines("/tmp/byz/probe.txt", lines);
    }
}
