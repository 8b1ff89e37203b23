namespace DistSim.Samples.TwoGenerals;

/// <summary>A sweep's outcome counts, over the decided runs only.</summary>
internal sealed class OutcomeTally
{
    public long[] Counts { get; } = new long[4];

    public long Decided { get; private set; }

    public long Delivered { get; private set; }

    public void Add(GameRecord r)
    {
        if (!r.Decided)
        {
            return; // stopped before T: no verdict
        }

        Decided++;
        Counts[(int)r.Outcome]++;
        Delivered += r.OrderDelivered ? 1 : 0;
    }
}

/// <summary>What a sweep folds from one game (and a shard writes): whether it was decided, its outcome, whether an order arrived.</summary>
/// <param name="Decided">Both generals decided.</param>
/// <param name="Outcome">The row of the outcome table.</param>
/// <param name="OrderDelivered">An order reached A2 before the attack time.</param>
public sealed record GameRecord(bool Decided, Outcome Outcome, bool OrderDelivered)
{
    /// <summary>The record of a finished game.</summary>
    public static GameRecord Of(GameResult r) => new(r.Decided, r.Outcome, r.OrderDelivered);
}
