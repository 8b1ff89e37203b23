using DistSim.Network;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Network;

/// <summary>
/// The partition table against a model: after any sequence of isolations, one-way cuts, partitions and heals, every
/// directed path is cut exactly when the model says, now and in every epoch since (the table keeps isolated nodes as a
/// sorted array of ids, copied with one more per isolation, rather than a flag per node).
/// </summary>
public class PartitionTableTests
{
    /// <summary>The model's state of one epoch: isolated nodes, one-way cuts, a group per node (null: none).</summary>
    private sealed record ModelState(HashSet<int> Isolated, HashSet<(int, int)> Cuts, int[]? Group)
    {
        public bool IsCut(int from, int to) =>
            from != to && (Isolated.Contains(from) || Isolated.Contains(to) || Cuts.Contains((from, to)) || (Group is { } g && g[from] != g[to]));
    }

    [Property(MaxTest = 200)]
    public Property EveryPath_IsCutExactlyAsTheModelSays_InEveryEpoch() => Prop.ForAll(
        Gen.Choose(1, 12).SelectMany(k => Gen.ArrayOf(Gen.Choose(0, 1_000_000), 60).Select(draws => (k, draws))).ToArbitrary(),
        c =>
        {
            (int k, int[] draws) = c;
            var table = new PartitionTable { KeepEveryEpoch = true };
            var model = new List<ModelState> { new([], [], null) };
            for (int i = 0; i + 2 < draws.Length; i += 3)
            {
                ModelState now = model[^1];
                int a = draws[i + 1] % k, b = draws[i + 2] % k;
                switch (draws[i] % 7)
                {
                    case 0 or 1 or 2: // isolations are the most common change, repeats included
                        table.Isolate(a, inFlight: 0);
                        model.Add(now with { Isolated = [.. now.Isolated, a] });
                        break;
                    case 3:
                        table.Cut(a, b, inFlight: 0);
                        model.Add(now with { Cuts = [.. now.Cuts, (a, b)] });
                        break;
                    case 4:
                    {
                        // Groups from the draws (0: in no group, which is one more group); the model compares 1 + group.
                        int[] group = [.. Enumerable.Range(0, k).Select(n => (draws[i + 1] >> (n % 16)) % 3)];
                        table.SetGroups(group, inFlight: 0);
                        model.Add(now with { Group = [.. group] });
                        break;
                    }

                    case 5:
                        table.Heal(inFlight: 0);
                        model.Add(new ModelState([], [], null));
                        break;
                    default:
                        continue;
                }

                if (table.Epoch != model.Count - 1)
                {
                    return false.Label($"epoch {table.Epoch}, model {model.Count - 1}");
                }

                for (int from = 0; from < k; from++)
                {
                    for (int to = 0; to < k; to++)
                    {
                        if (table.IsCut(from, to) != model[^1].IsCut(from, to))
                        {
                            return false.Label($"after change {model.Count - 1}: {from}->{to} cut {table.IsCut(from, to)}, model {model[^1].IsCut(from, to)}");
                        }

                        int since = draws[i] % model.Count;
                        bool expected = model.Skip(since).Any(m => m.IsCut(from, to));
                        if (table.WasCutSince(since, from, to) != expected)
                        {
                            return false.Label($"{from}->{to} since epoch {since}: {!expected}, model {expected}");
                        }
                    }
                }
            }

            return true.Label($"{k} nodes, {model.Count - 1} changes");
        });
}
