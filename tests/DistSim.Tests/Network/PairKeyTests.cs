using DistSim.Network;

namespace DistSim.Tests.Network;

public class PairKeyTests
{
    [Fact(DisplayName = "Pair keys of a ring, of all-to-all and of a star spread over distinct hash codes (not from ^ to)")]
    public void PairKeys_SpreadOverHashCodes()
    {
        (int From, int To)[] ring = [.. Enumerable.Range(0, 1000).Select(i => (i, (i + 1) % 1000))];
        (int From, int To)[] all = [.. from a in Enumerable.Range(0, 60) from b in Enumerable.Range(0, 60) where a != b select (a, b)];
        (int From, int To)[] star = [.. Enumerable.Range(1, 1000).Select(i => (0, i))];
        foreach ((int From, int To)[] shape in new[] { ring, all, star })
        {
            int distinct = shape.Select(p => SimNetwork.PairKeys.Instance.GetHashCode(SimNetwork.Key(p.From, p.To))).Distinct().Count();
            Assert.True(distinct >= shape.Length * 99 / 100, $"{distinct} distinct hash codes for {shape.Length} pairs");
        }

        // What .NET's own long hash gives a ring: from ^ to, a handful of values.
        Assert.True(ring.Select(p => SimNetwork.Key(p.From, p.To).GetHashCode()).Distinct().Count() < 50);
    }
}
