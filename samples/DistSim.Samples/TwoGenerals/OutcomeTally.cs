namespace DistSim.Samples.TwoGenerals;

/// <summary>A sweep's outcome counts, over the decided runs only.</summary>
internal sealed class OutcomeTally
{
    public long[] Counts { get; } = new long[4];

    public long Decided { get; private set; }

    public long Delivered { get; private set; }

    public void Add(GameResult r)
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
