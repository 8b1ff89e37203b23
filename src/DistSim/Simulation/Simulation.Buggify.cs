using System.Globalization;
using DistSim.Random;

namespace DistSim;

/// <summary>BUGGIFY fault points: sites in node code switched on per run and fired by chance, from the seed.</summary>
public sealed partial class Simulation
{
    private Dictionary<string, BuggifySiteState>? _buggify;

    /// <summary>Every Buggify site reached so far, in order of name: whether it is on this run, how often it was reached and how often it fired.</summary>
    public IReadOnlyList<BuggifySite> BuggifySites
    {
        get
        {
            CheckThread(nameof(BuggifySites));
            return _buggify is null
                ? []
                : [.. _buggify.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new BuggifySite(s.Key, s.Value.Active, s.Value.Reached, s.Value.Fired))];
        }
    }

    /// <summary>A Buggify site reached by node code: whether it fires now. Off (and no draw) without <see cref="SimulationOptions.Buggify"/>.</summary>
    internal bool ReachBuggify(string site, double? chance)
    {
        ArgumentException.ThrowIfNullOrEmpty(site);
        if (chance is { } c && (double.IsNaN(c) || c is < 0 or > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(chance), c, "must be a probability in [0, 1]");
        }

        if (Options.Buggify is not { } options)
        {
            return false;
        }

        _buggify ??= new Dictionary<string, BuggifySiteState>(StringComparer.Ordinal);
        if (!_buggify.TryGetValue(site, out BuggifySiteState? state))
        {
            RandomStream stream = StreamSeed.Create(Seed, "buggify:" + site);
            state = new BuggifySiteState(stream, new Chance(options.SiteActivation).Happens(stream), string.Create(CultureInfo.InvariantCulture, $"buggify {site}"));
            _buggify.Add(site, state);
        }

        state.Reached++;
        bool fired = state.Active && new Chance(chance ?? options.FireChance).Happens(state.Stream);
        if (fired)
        {
            state.Fired++;
        }

        ReachSometimes(state.Marker, fired); // coverage: did the site ever fire?
        return fired;
    }

    private sealed class BuggifySiteState(RandomStream stream, bool active, string marker)
    {
        public RandomStream Stream { get; } = stream;

        public string Marker { get; } = marker;

        public bool Active { get; } = active;

        public long Reached { get; set; }

        public long Fired { get; set; }
    }
}

/// <summary>One Buggify site of a run (<see cref="Simulation.BuggifySites"/>).</summary>
/// <param name="Name">The site's name.</param>
/// <param name="Active">Whether it is on this run.</param>
/// <param name="Reached">How often node code reached it.</param>
/// <param name="Fired">How often it fired.</param>
public sealed record BuggifySite(string Name, bool Active, long Reached, long Fired);
