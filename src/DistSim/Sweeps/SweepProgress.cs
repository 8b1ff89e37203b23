namespace DistSim.Sweeps;

/// <summary>How far a seed sweep has got: runs delivered (in seed order) out of the total.</summary>
/// <param name="Completed">Runs whose results have been delivered, in seed order.</param>
/// <param name="Total">Runs in the sweep.</param>
public readonly record struct SweepProgress(long Completed, long Total);
