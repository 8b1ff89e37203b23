namespace DistSim.Failures;

/// <summary>
/// Fault points in node code (<see cref="Nodes.INodeContext.Buggify"/>), after FoundationDB's BUGGIFY: each site, named
/// by a string, is switched on for a whole run with probability <see cref="SiteActivation"/>, and a site that is on fires
/// each time it is reached with probability <see cref="FireChance"/> (or the chance the call gives). Both are drawn from
/// the site's own stream (<c>buggify:&lt;site&gt;</c>), so sites never shift each other's or anyone's draws. Give it as
/// <see cref="SimulationOptions.Buggify"/>; without it every site is off and draws nothing.
/// </summary>
public sealed record BuggifyOptions
{
    /// <summary>The probability that a site is on for a run. Default 0.25 (FoundationDB's).</summary>
    public double SiteActivation { get; init; } = 0.25;

    /// <summary>The probability that a site that is on fires when reached, unless the call gives its own. Default 0.25.</summary>
    public double FireChance { get; init; } = 0.25;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (double.IsNaN(SiteActivation) || SiteActivation is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SiteActivation), SiteActivation, "must be a probability in [0, 1]");
        }

        if (double.IsNaN(FireChance) || FireChance is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FireChance), FireChance, "must be a probability in [0, 1]");
        }
    }
}
