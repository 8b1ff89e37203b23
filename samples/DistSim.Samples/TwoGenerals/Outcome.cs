namespace DistSim.Samples.TwoGenerals;

/// <summary>The rows of the Two Generals outcome table.</summary>
public enum Outcome
{
    /// <summary>Neither general attacks.</summary>
    NothingHappens,

    /// <summary>A1 attacks alone and is defeated.</summary>
    A1Fails,

    /// <summary>A2 attacks alone and is defeated.</summary>
    A2Fails,

    /// <summary>Both attack: the city is captured.</summary>
    CityCaptured,
}
