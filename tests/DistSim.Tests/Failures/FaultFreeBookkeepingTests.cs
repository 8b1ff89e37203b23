using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Time;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Failures;

/// <summary>
/// Whether the system is fault-free (no node paused, no crashed node with a restart due) is asked before every event
/// while an Eventually window waits for the end of faults, and how many nodes are down or paused at every fault the
/// nemesis draws under <c>MaxFaulty</c>. Both are counts updated as nodes change, instead of a scan of every node
/// (O(K) an event or a fault). The oracle is that scan, after every step of random fault scripts: crashes, timed
/// crashes whose restarts come due, restarts, pauses, timed pauses, resumes and time passing.
/// </summary>
public class FaultFreeBookkeepingTests
{
    [Property(MaxTest = 100)]
    public Property TheCount_AgreesWithAScanOfEveryNode_AfterEveryStep()
    {
        Gen<(int Nodes, (int Op, int Node, int Ms)[] Steps, int[][] Domains)> scripts =
            from nodes in Gen.Choose(1, 6)
            from count in Gen.Choose(1, 40)
            from steps in (from op in Gen.Choose(0, 6) from node in Gen.Choose(0, nodes - 1) from ms in Gen.Choose(1, 50) select (op, node, ms)).ArrayOf(count)
            from domainCount in Gen.Choose(1, 3)
            from placement in Gen.Choose(-1, domainCount - 1).ArrayOf(nodes + 2) // each id (two never added) in one domain or none
            select (nodes, steps, Enumerable.Range(0, domainCount).Select(d => Enumerable.Range(0, nodes + 2).Where(n => placement[n] == d).ToArray()).ToArray());
        return Prop.ForAll(scripts.ToArbitrary(), script =>
        {
            // Disjoint fault domains (as the options require), some listing a node never added. The nemesis draws no
            // faults here (no rates): only its per-domain counts are under test.
            var nemesis = new NemesisOptions { FaultDomains = [.. script.Domains.Select(d => (IReadOnlyList<NodeId>)[.. d.Select(n => new NodeId(n))])] };
            var simulation = new Simulation(new SimulationOptions { Seed = 3, RecordTrace = false, Nemesis = nemesis });
            for (int i = 0; i < script.Nodes; i++)
            {
                simulation.AddNode("n" + i, () => new Idle(), FailureModels.CrashRecover());
            }

            simulation.RunUntil(SimTime.FromStart(TimeSpan.FromMilliseconds(1)));
            bool sawFault = false;
            foreach ((int op, int index, int ms) in script.Steps)
            {
                var node = new NodeId(index);
                switch (op)
                {
                    case 0:
                        simulation.Crash(node);
                        break;
                    case 1:
                        if (simulation.IsUp(node))
                        {
                            simulation.CrashFor(node, TimeSpan.FromMilliseconds(ms));
                        }

                        break;
                    case 2:
                        if (!simulation.IsUp(node))
                        {
                            simulation.Restart(node);
                        }

                        break;
                    case 3:
                        simulation.Pause(node);
                        break;
                    case 4:
                        if (simulation.IsUp(node) && !simulation.IsPaused(node))
                        {
                            simulation.PauseFor(node, TimeSpan.FromMilliseconds(ms));
                        }

                        break;
                    case 5:
                        simulation.Resume(node);
                        break;
                    default:
                        simulation.RunUntil(simulation.Now + TimeSpan.FromMilliseconds(ms));
                        break;
                }

                var records = Enumerable.Range(0, script.Nodes).Select(i => simulation.RecordOf(new NodeId(i))).ToList();
                bool scan = records.All(r => !r.Paused && (r.Up || !r.RestartDue));
                int faulty = records.Count(r => !r.Up || r.Paused);
                sawFault |= !scan;
                if (simulation.IsFaultFree() != scan)
                {
                    return false.Label($"after op {op} on n{index} at {simulation.Now}: the count says fault-free = {simulation.IsFaultFree()}, a scan of every node says {scan}");
                }

                if (simulation.FaultyCount != faulty)
                {
                    return false.Label($"after op {op} on n{index} at {simulation.Now}: {simulation.FaultyCount} nodes counted down or paused, a scan finds {faulty}");
                }

                for (int d = 0; d < script.Domains.Length; d++)
                {
                    int listed = script.Domains[d].Count(n => n < script.Nodes && (!records[n].Up || records[n].Paused));
                    if (simulation.Nemesis!.FaultyIn(d) != listed)
                    {
                        return false.Label($"after op {op} on n{index}: domain {d} [{string.Join(",", script.Domains[d])}] counts {simulation.Nemesis.FaultyIn(d)} faulty nodes, a scan finds {listed}");
                    }
                }
            }

            return true.Classify(sawFault, "a fault was held at some step");
        });
    }

    private sealed class Idle : Node
    {
    }
}
