using FsCheck;
using FsCheck.Xunit;

namespace DistSim.Tests.Simulations;

/// <summary>The timer table against a model: each node's list holds exactly its pending timers, whatever the order of sets, releases and crashes.</summary>
public class TimerTableTests
{
    [Property(MaxTest = 60)]
    public void EachNodesList_HoldsExactlyItsPendingTimers(ulong seed, PositiveInt length)
    {
        var random = new DistSim.Random.RandomStream(seed);
        var table = new TimerTable();
        var pending = new Dictionary<int, (int Node, long Number)>(); // slot -> owner, number
        int operations = 500 + (length.Get % 3000);
        for (int i = 0; i < operations; i++)
        {
            int node = (int)random.NextBelow(20);
            switch (random.NextBelow(10))
            {
                case < 5:
                    (int slot, long number) = table.TakeForNode(node);
                    Assert.False(pending.ContainsKey(slot), $"slot {slot} handed out while pending");

                    pending[slot] = (node, number);
                    break;
                case < 6:
                    (int linkSlot, long linkNumber) = table.TakeForLink(node);
                    pending[linkSlot] = (-1 - node, linkNumber);
                    break;
                case < 9 when pending.Count > 0:
                    int victim = pending.Keys.ElementAt((int)random.NextBelow((ulong)pending.Count));
                    table.Release(victim);
                    pending.Remove(victim);
                    break;
                default: // a crash: every timer of the node goes
                    for (int s = table.AnyOf(node); s >= 0; s = table.AnyOf(node))
                    {
                        Assert.True(pending.TryGetValue(s, out (int Node, long Number) p) && p.Node == node, $"node {node}'s list holds slot {s}, not its pending timer");

                        table.Release(s);
                        pending.Remove(s);
                    }

                    Assert.DoesNotContain(pending.Values, p => p.Node == node); // none of the node's timers missed

                    break;
            }

            Assert.All(pending, p => Assert.True(table.IsPending(p.Key, p.Value.Number), $"timer {p.Value.Number} in slot {p.Key} lost"));
        }
    }
}
